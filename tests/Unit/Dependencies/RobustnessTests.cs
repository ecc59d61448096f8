using System.Text;
using BqxAudit.Checks.Dependencies;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Dependencies;

/// <summary>Every parser survives damaged input: it reports, it never throws.</summary>
public class RobustnessTests
{
    private const string Alphabet = "abcXYZ019 \t\n\r\\\"'#;:=<>!~^*@[](){},.-_+$/|&`\u00e9\uFFFD\0";

    private static readonly string[] Samples =
    {
        "requests==2.31\n-r other.txt\n-c c.txt\n-e git+https://x/y.git#egg=y\nnumpy>=1.0,<2 ; python_version < '3.11' --hash=sha256:ab\nhttps://x/a-1.0.tar.gz\n--index-url https://i\n",
        "[project]\nname = \"x\"\ndependencies = [\n  \"a>=1\", # c\n  'b[x]==2',\n]\n[project.optional-dependencies]\nt = [\"c\"]\n[tool.poetry.dependencies]\np = { version = \"^1.2\", markers = \"os_name == 'nt'\" }\ns = \"\"\"multi\nline\"\"\"\n",
        "[options]\ninstall_requires =\n    a>=1\n    b; python_version<'3'\n[options.extras_require]\nx = c; d\n",
        "dependencies:\n  - numpy=1.26\n  - conda-forge::pandas>=2,<3\n  - pip:\n    - requests==2\n    - -r r.txt\n",
        "pip install -U 'a>=1' b==2 && python3 -m pip install -e ./x#egg=x; pip3 install -r r.txt",
    };

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < 8; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Parsers_WhenInputIsMutatedAtRandom_ShouldNeverThrow(int seed)
    {
        var random = new Random(seed);
        using var dir = new TempDir();
        var parser = new RequirementsFileParser(dir.Path);
        for (var round = 0; round < 150; round++)
        {
            var text = Mutate(Samples[random.Next(Samples.Length)], random);
            var failure = Record(() =>
            {
                parser.ParseText(text, "requirements.txt");
                PyprojectParser.Parse(text, "pyproject.toml");
                SetupCfgParser.Parse(text, "setup.cfg");
                CondaEnvironmentParser.Parse(text, dir.Path, "environment.yml");
                PipInstallCommand.Parse(text, "Dockerfile", 1);
                foreach (var line in text.Split('\n'))
                {
                    Pep508Requirement.TryParse(line, out _, out _);
                    Pep440Version.TryParse(line, out _);
                    Pep440Specifier.TryParse(line, out _, out _);
                    SpecifierSet.TryParse(line, out _, out _);
                    MarkerExpression.TryParse(line, out _, out _);
                    PyprojectParser.PoetryToPep440(line);
                    CondaEnvironmentParser.CondaVersionToPep440(line);
                }
            });
            Assert.True(failure is null, $"seed {seed} round {round}: {failure}\n--- input ---\n{text}");
        }
    }

    [Fact]
    public void Parse_WhenRequirementsFileHoldsRandomBytes_ShouldReportNotThrow()
    {
        using var dir = new TempDir();
        var random = new Random(42);
        var bytes = new byte[4096];
        random.NextBytes(bytes);
        dir.WriteBytes("requirements.txt", bytes);
        dir.WriteBytes("pyproject.toml", bytes);
        dir.WriteBytes("setup.cfg", bytes);
        dir.WriteBytes("environment.yml", bytes);
        dir.WriteBytes("sp/x-1.0.dist-info/METADATA", bytes);

        var result = DependencyManifests.Discover(dir.Path, new[] { "requirements.txt", "pyproject.toml", "setup.cfg", "environment.yml" });
        var installed = SitePackagesReader.Read(Path.Combine(dir.Path, "sp"));

        Assert.Contains(result.Diagnostics, d => d.Code == DependencyDiagnosticCode.EncodingInvalid && d.File == "requirements.txt");
        Assert.NotEmpty(installed.Diagnostics);
    }

    [Theory]
    [InlineData("-r file://[bad\n")]
    [InlineData("-r \0\n")]
    [InlineData("-c ../../../../../../../../../../../../../../../../../../../../../../../../../x\n")]
    [InlineData("-e\n")]
    [InlineData("-\n")]
    [InlineData("-r 'unterminated\n")]
    public void ParseText_WhenIncludeTargetIsNonsense_ShouldReportNotThrow(string text)
    {
        using var dir = new TempDir();
        var result = new RequirementsFileParser(dir.Path).ParseText(text, "requirements.txt");
        Assert.NotEmpty(result.Diagnostics);
    }

    private static string Mutate(string text, Random random)
    {
        var sb = new StringBuilder(text);
        var edits = random.Next(1, 8);
        for (var i = 0; i < edits && sb.Length > 0; i++)
        {
            var at = random.Next(sb.Length);
            switch (random.Next(4))
            {
                case 0:
                    sb.Remove(at, Math.Min(sb.Length - at, random.Next(1, 6)));
                    break;
                case 1:
                    sb.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                case 2:
                    sb[at] = Alphabet[random.Next(Alphabet.Length)];
                    break;
                default:
                    sb.Length = at; // truncate
                    break;
            }
        }

        return sb.ToString();
    }

    private static string? Record(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e.ToString();
        }
    }
}
