using BqxAudit.Model;
using BqxAudit.Reporting;

namespace BqxAudit.Tests.Reporting;

/// <summary>The exact text of the SARIF and JUnit writers for a minimal audit: one blocked script, one unmeasured check.</summary>
public class WriterGoldenTests
{
    private static AuditResult Minimal()
    {
        var script = new ScriptRecord
        {
            Name = "x.py", Path = "scripts/x.py", Kind = ScriptKind.Python, Status = ScriptStatus.Blocked,
            Findings = { new Finding("python.syntax", FindingSeverity.Error, "SyntaxError: bad", "scripts/x.py:3") },
        };
        var check = new InfraCheck { Target = "api:bigquery.googleapis.com", Kind = InfraCheckKind.Api, Check = "service is enabled", Status = InfraCheckStatus.NotVerified, Actual = "not measured: offline" };
        var blocker = new Blocker
        {
            Id = "BQX-0000000A", Title = "Build script cannot run: scripts/x.py", Priority = Priority.P0, Category = "Script", Impact = "cannot run", AffectedPhase = "P1",
            Rule = "script.blocked-phase-task", RecommendedAction = "Fix it", Source = { Type = "ScriptRecord", Target = "scripts/x.py", Detail = "Blocked" },
            Evidence = { new Evidence("file", "scripts/x.py:3", "SyntaxError") },
        };
        var area = new Blocker
        {
            Id = "BQX-0000000B", Title = "Cloud not measured: offline", Priority = Priority.P0, Category = "Infrastructure", Impact = "unknown", AffectedPhase = "P1",
            Rule = "infra.not-verified", RecommendedAction = "Run online", Source = { Type = "InfraCheck", Target = "offline", Detail = "NotVerified" },
            Evidence = { new Evidence("api", "Api", "1 check not measured: api:bigquery.googleapis.com") },
        };
        return new AuditResult
        {
            Run = { ToolVersion = "1.2.3", ProfileName = "t", Root = "repo", ReportDate = "2025-12-13", Reproducible = true, Offline = true },
            Scripts = { script },
            Infrastructure = { check },
            Blockers = { blocker, area },
            Readiness = new PhaseReadiness
            {
                Phase = "P1", PhaseName = "Phase 1", Decision = Decision.NoGo, DecisionReason = "2 P0 blockers prevent execution", Blockers = { blocker, area },
                Tasks = { new PhaseTask { Name = "Build", ScriptStatus = ScriptStatus.Blocked, Scripts = { "scripts/x.py" } } },
            },
        };
    }

    private const string Properties = """
            <properties>
              <property name="tool" value="BqxAudit 1.2.3" />
              <property name="profile" value="t" />
              <property name="root" value="repo" />
              <property name="phase" value="P1" />
              <property name="decision" value="NoGo" />
              <property name="reportDate" value="2025-12-13" />
              <property name="offline" value="true" />
            </properties>
        """;

    [Fact]
    public void JUnit_WhenMinimalAudit_ShouldWriteTheGoldenXml()
    {
        var expected = $$"""
            <?xml version="1.0" encoding="utf-8"?>
            <testsuites>
              <testsuite name="bqxaudit.scripts" package="bqxaudit" id="0" timestamp="2025-12-13T00:00:00" hostname="localhost" tests="1" failures="1" errors="0" skipped="0" time="0">
            {{Properties}}
                <testcase name="scripts/x.py" classname="bqxaudit.scripts.python" time="0">
                  <failure message="BQX-0000000A Build script cannot run: scripts/x.py" type="P0 script.blocked-phase-task">BQX-0000000A P0 Build script cannot run: scripts/x.py: cannot run — recommended action: Fix it</failure>
                </testcase>
                <system-out />
                <system-err />
              </testsuite>
              <testsuite name="bqxaudit.infrastructure" package="bqxaudit" id="1" timestamp="2025-12-13T00:00:00" hostname="localhost" tests="2" failures="1" errors="0" skipped="1" time="0">
            {{Properties}}
                <testcase name="Api api:bigquery.googleapis.com: service is enabled" classname="bqxaudit.infrastructure.api" time="0">
                  <skipped message="not verified: not measured: offline (the unmeasured area is blocker BQX-0000000B)" />
                </testcase>
                <testcase name="Cloud not measured: offline" classname="bqxaudit.blockers.infrastructure" time="0">
                  <failure message="BQX-0000000B Cloud not measured: offline" type="P0 infra.not-verified">BQX-0000000B P0 Cloud not measured: offline: unknown — recommended action: Run online</failure>
                </testcase>
                <system-out />
                <system-err />
              </testsuite>
              <testsuite name="bqxaudit.dependencies" package="bqxaudit" id="2" timestamp="2025-12-13T00:00:00" hostname="localhost" tests="0" failures="0" errors="0" skipped="0" time="0">
            {{Properties}}
                <system-out />
                <system-err />
              </testsuite>
              <testsuite name="bqxaudit.naming" package="bqxaudit" id="3" timestamp="2025-12-13T00:00:00" hostname="localhost" tests="0" failures="0" errors="0" skipped="0" time="0">
            {{Properties}}
                <system-out />
                <system-err />
              </testsuite>
              <testsuite name="bqxaudit.phase" package="bqxaudit" id="4" timestamp="2025-12-13T00:00:00" hostname="localhost" tests="2" failures="2" errors="0" skipped="0" time="0">
            {{Properties}}
                <testcase name="P1: Build" classname="bqxaudit.phase.P1" time="0">
                  <failure message="BQX-0000000A Build script cannot run: scripts/x.py" type="P0 script.blocked-phase-task">BQX-0000000A P0 Build script cannot run: scripts/x.py: cannot run — recommended action: Fix it</failure>
                </testcase>
                <testcase name="P1: decision" classname="bqxaudit.phase.P1" time="0">
                  <failure message="NO-GO ❌: 2 P0 blockers prevent execution" type="NoGo"></failure>
                </testcase>
                <system-out />
                <system-err />
              </testsuite>
            </testsuites>

            """;

        Assert.Equal(expected.ReplaceLineEndings("\n"), JUnitReportWriter.Write(Minimal()));
    }

    [Fact]
    public void Sarif_WhenMinimalAudit_ShouldWriteTheGoldenLog()
    {
        var location = """
                      "locations": [
                        {
                          "physicalLocation": {
                            "artifactLocation": {
                              "uri": "scripts/x.py",
                              "uriBaseId": "%SRCROOT%"
                            },
                            "region": {
                              "startLine": 3
                            }
                          }
                        }
                      ],
            """;
        var expected = $$"""
            {
              "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
              "version": "2.1.0",
              "runs": [
                {
                  "tool": {
                    "driver": {
                      "name": "BqxAudit",
                      "version": "1.2.3",
                      "rules": [
                        {
                          "id": "python.syntax",
                          "shortDescription": {
                            "text": "BqxAudit analyzer rule 'python.syntax'"
                          },
                          "defaultConfiguration": {
                            "level": "error"
                          }
                        },
                        {
                          "id": "script.blocked-phase-task",
                          "shortDescription": {
                            "text": "BqxAudit blocker rule 'script.blocked-phase-task' (Script, P0)"
                          },
                          "defaultConfiguration": {
                            "level": "error"
                          }
                        }
                      ]
                    }
                  },
                  "originalUriBaseIds": {
                    "%SRCROOT%": {
                      "description": {
                        "text": "The audited root: repo"
                      }
                    }
                  },
                  "automationDetails": {
                    "id": "bqx-audit/P1/2025-12-13"
                  },
                  "results": [
                    {
                      "ruleId": "python.syntax",
                      "ruleIndex": 0,
                      "level": "error",
                      "message": {
                        "text": "SyntaxError: bad"
                      },
            {{location}}
                      "partialFingerprints": {
                        "bqxFinding/v1": "python.syntax|scripts/x.py:3"
                      }
                    },
                    {
                      "ruleId": "script.blocked-phase-task",
                      "ruleIndex": 1,
                      "level": "error",
                      "message": {
                        "text": "BQX-0000000A P0 Build script cannot run: scripts/x.py: cannot run"
                      },
            {{location}}
                      "partialFingerprints": {
                        "bqxBlockerId/v1": "BQX-0000000A"
                      },
                      "properties": {
                        "blockerId": "BQX-0000000A",
                        "priority": "P0",
                        "category": "Script",
                        "recommendedAction": "Fix it"
                      }
                    }
                  ],
                  "properties": {
                    "phase": "P1",
                    "decision": "NoGo",
                    "reportDate": "2025-12-13",
                    "offline": true
                  }
                }
              ]
            }

            """;

        Assert.Equal(expected.ReplaceLineEndings("\n"), SarifReportWriter.Write(Minimal()));
    }
}
