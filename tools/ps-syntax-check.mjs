#!/usr/bin/env node
// PowerShell without PowerShell: parses .ps1/.psd1/.psm1 files with the tree-sitter PowerShell
// grammar (web-tree-sitter + tree-sitter-powershell's WASM build; no native code) and reports
// every ERROR and MISSING node as file:line:column.
//
//   node tools/ps-syntax-check.mjs PATH...            syntax check; exit 0 clean, 1 syntax errors, 2 usage/IO error
//   node tools/ps-syntax-check.mjs --commands PATH... JSON of every command invocation (name, parameters,
//                                                     position) and of every other Verb-Bqx… word (mentions),
//                                                     for the "names used exist" test; Markdown
//                                                     files contribute their powershell/pwsh code fences and
//                                                     inline code spans that start with a Verb-Bqx… name
//
// A PATH that is a directory is walked for *.ps1, *.psd1, *.psm1 (and *.md with --commands), skipping
// .git, node_modules, bin, obj, out and TestResults. Install once with: npm ci --ignore-scripts (in tools/).
//
// Valid PowerShell 7 the grammar (tree-sitter-powershell 0.26.4) reports as errors, so write around it:
// bareword lists in arguments (-Kind Python,Shell: quote them, 'Python','Shell'), '--' before
// arguments, a pipe at the start of a continuation line, the ternary a ? b : c, ?? and ??=,
// ForEach-Object -Parallel, several switch clauses on one line, and a script that is only a param() block.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';
import { Parser, Language } from 'web-tree-sitter';

// Baseline (Liftoff) WASM code only: V8's optimizing compile of the 1 MB grammar module runs in the
// background and holds the process for 5-20 s after the work is done; parsing a few files does not need it.
v8.setFlagsFromString('--liftoff-only');

const require = createRequire(import.meta.url);
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', 'bin', 'obj', 'out', 'TestResults']);
const POWERSHELL_EXTENSIONS = new Set(['.ps1', '.psd1', '.psm1']);
const MARKDOWN_EXTENSIONS = new Set(['.md', '.markdown']);
const FENCE_LANGUAGES = new Set(['powershell', 'pwsh', 'ps1', 'ps', 'posh']);
const BQX_COMMAND = /^[A-Za-z]+-Bqx[A-Za-z0-9]*$/;

function usage(message) {
  process.stderr.write(`ps-syntax-check: ${message}\nusage: node ps-syntax-check.mjs [--commands] PATH...\n`);
  process.exit(2);
}

function collect(target, includeMarkdown, files) {
  let info;
  try {
    info = statSync(target);
  } catch {
    usage(`no such file or directory: ${target}`);
  }

  if (info.isDirectory()) {
    for (const entry of readdirSync(target, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(target, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) {
          collect(full, includeMarkdown, files);
        }
      } else if (entry.isFile() && wanted(entry.name, includeMarkdown)) {
        files.push(full);
      }
    }
  } else {
    // A file named explicitly is checked whatever its extension (Markdown is read as Markdown).
    files.push(target);
  }
}

function wanted(name, includeMarkdown) {
  const extension = path.extname(name).toLowerCase();
  return POWERSHELL_EXTENSIONS.has(extension) || (includeMarkdown && MARKDOWN_EXTENSIONS.has(extension));
}

function isMarkdown(file) {
  return MARKDOWN_EXTENSIONS.has(path.extname(file).toLowerCase());
}

/** The PowerShell pieces of a Markdown file: fenced powershell blocks and inline `Verb-Bqx… …` spans. */
function markdownSnippets(text) {
  const snippets = [];
  const lines = text.split(/\r?\n/);
  let fence = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (fence) {
      if (line.trimStart().startsWith(fence.marker)) {
        if (fence.powershell) {
          snippets.push({ text: fence.body.join('\n'), line: fence.line, column: 0 });
        }
        fence = null;
      } else {
        fence.body.push(line);
      }
      continue;
    }

    const open = /^\s*(```+|~~~+)\s*([A-Za-z0-9_+-]*)/.exec(line);
    if (open) {
      fence = { marker: open[1], powershell: FENCE_LANGUAGES.has(open[2].toLowerCase()), body: [], line: i + 1 };
      continue;
    }

    for (const span of line.matchAll(/`([^`]+)`/g)) {
      const code = span[1];
      if (BQX_COMMAND.test(code.split(/\s/, 1)[0])) {
        snippets.push({ text: code, line: i, column: span.index + 1 });
      }
    }
  }

  return snippets;
}

function position(node, offset) {
  // tree-sitter rows and columns are 0-based; report 1-based like compilers do.
  const row = node.startPosition.row;
  return {
    line: offset.line + row + 1,
    column: (row === 0 ? offset.column : 0) + node.startPosition.column + 1,
  };
}

function snippet(node) {
  const text = node.text.split(/\r?\n/, 1)[0];
  return text.length > 40 ? text.slice(0, 40) + '…' : text;
}

function syntaxErrors(tree, file, offset) {
  const errors = [];
  const visit = (node) => {
    if (node.isMissing) {
      errors.push({ file, ...position(node, offset), message: `missing ${node.type}` });
    } else if (node.isError) {
      errors.push({ file, ...position(node, offset), message: `syntax error near '${snippet(node)}'` });
    }

    if (node.hasError) {
      for (const child of node.children) {
        visit(child);
      }
    }
  };
  visit(tree.rootNode);
  return errors;
}

function commands(tree, file, offset, mentions) {
  const found = [];
  const visit = (node) => {
    // A Verb-Bqx… name used as an argument (Get-Command -Name Get-BqxX, Should -Invoke Get-BqxX …).
    if (node.type === 'generic_token' || node.type === 'string_literal') {
      const text = node.text.replace(/^(['"])(.*)\1$/s, '$2');
      if (BQX_COMMAND.test(text) && node.parent?.type !== 'command_name') {
        mentions.push({ file, ...position(node, offset), name: text });
      }
    }

    if (node.type === 'command') {
      const name = node.childForFieldName('command_name');
      if (name && name.type === 'command_name') {
        const elements = node.childForFieldName('command_elements');
        const parameters = [];
        let splatted = false;
        for (const element of elements ? elements.namedChildren : []) {
          if (element.type === 'command_parameter') {
            parameters.push({ name: element.text, ...position(element, offset) });
          } else if (/^@[A-Za-z_][A-Za-z0-9_]*$/.test(element.text)) {
            splatted = true; // @params: the grammar reads a splat as an array expression
          }
        }

        found.push({ file, ...position(node, offset), name: name.text, parameters, splatted });
      }
    }

    for (const child of node.namedChildren) {
      visit(child);
    }
  };
  visit(tree.rootNode);
  return found;
}

async function main() {
  const args = process.argv.slice(2);
  const listCommands = args[0] === '--commands';
  const targets = listCommands ? args.slice(1) : args;
  if (targets.length === 0) {
    usage('no files given');
  }

  const files = [];
  for (const target of targets) {
    collect(target, listCommands, files);
  }

  await Parser.init();
  const grammar = require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm');
  const parser = new Parser();
  parser.setLanguage(await Language.load(grammar));

  const errors = [];
  const invocations = [];
  const mentions = [];
  for (const file of files) {
    let text;
    try {
      text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    } catch (e) {
      usage(`cannot read ${file}: ${e.message}`);
    }

    const pieces = isMarkdown(file) ? markdownSnippets(text) : [{ text, line: 0, column: 0 }];
    for (const piece of pieces) {
      const tree = parser.parse(piece.text);
      errors.push(...syntaxErrors(tree, file, piece));
      if (listCommands) {
        invocations.push(...commands(tree, file, piece, mentions));
      }

      tree.delete();
    }
  }

  if (listCommands) {
    process.stdout.write(JSON.stringify({ files, commands: invocations, mentions, errors }, null, 2) + '\n');
    return 0;
  }

  for (const e of errors) {
    process.stdout.write(`${e.file}:${e.line}:${e.column}: ${e.message}\n`);
  }

  const summary = `${files.length} file(s) parsed, ${errors.length} syntax error(s)`;
  process.stdout.write((errors.length ? '' : files.map((f) => `ok ${f}\n`).join('')) + summary + '\n');
  return errors.length ? 1 : 0;
}

process.exitCode = await main();
