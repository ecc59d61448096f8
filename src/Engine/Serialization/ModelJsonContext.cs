using System.Text.Json.Serialization;
using BqxAudit.Model;

namespace BqxAudit.Serialization;

/// <summary>
/// Compiled (source-generated) JSON metadata for the object model the reports and the CLI's <c>--format json</c>
/// write: reflection built each type's serializer at the first write of every run (the audit's JSON report spent
/// most of its time there). <see cref="JsonOutput.Options"/> still applies (names, enums as names, nulls left out,
/// indentation), and falls back to reflection for a type not reachable from these roots; ModelJsonContextTests
/// checks that the text is the same as reflection's.
/// </summary>
[JsonSerializable(typeof(AuditResult))]
[JsonSerializable(typeof(ScriptRecord))]
[JsonSerializable(typeof(InfraCheck))]
[JsonSerializable(typeof(IReadOnlyList<InfraCheck>))]
[JsonSerializable(typeof(DependencyRecord))]
[JsonSerializable(typeof(Blocker))]
[JsonSerializable(typeof(NamingResult))]
[JsonSerializable(typeof(NamingSummary))]
[JsonSerializable(typeof(RenamePlanItem))]
[JsonSerializable(typeof(PhaseReadiness))]
internal sealed partial class ModelJsonContext : JsonSerializerContext
{
}
