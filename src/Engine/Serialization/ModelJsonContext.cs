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
// The shapes InfraCheck.Details holds as object values: serialized by their run-time type, which reflection
// would build a converter for at run time (the native CLI has no code for a generic over a value type, such as
// SortedDictionary<string, int>; tests/native/run.sh compares its output with this build's).
[JsonSerializable(typeof(SortedDictionary<string, int>))]
[JsonSerializable(typeof(SortedDictionary<string, object>))]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(List<Dictionary<string, object>>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<double>))]
[JsonSerializable(typeof(List<long>))]
[JsonSerializable(typeof(List<int>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
internal sealed partial class ModelJsonContext : JsonSerializerContext
{
}
