using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using BqxAudit.Cloud;
using BqxAudit.Tests.Cloud;
using BqxAudit.Tests.Support;
using static BqxAudit.Tests.Cloud.CloudTestKit;

namespace BqxAudit.Tests.FakeGcp;

/// <summary>The discovery documents in ../shared/gcp-discovery, read once.</summary>
internal static class Discovery
{
    private static readonly ConcurrentDictionary<string, JsonElement> Documents = new(StringComparer.Ordinal);

    public static JsonElement Document(string name) => Documents.GetOrAdd(name, n =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Shared!, "gcp-discovery", n + ".json"))).RootElement.Clone());

    public static JsonElement? FindMethod(string document, string id)
    {
        var stack = new Stack<JsonElement>();
        stack.Push(Document(document));
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node.TryGetProperty("methods", out var methods))
            {
                foreach (var m in methods.EnumerateObject())
                {
                    if (m.Value.GetProperty("id").GetString() == id)
                    {
                        return m.Value;
                    }
                }
            }

            if (node.TryGetProperty("resources", out var resources))
            {
                foreach (var r in resources.EnumerateObject())
                {
                    stack.Push(r.Value);
                }
            }
        }

        return null;
    }

    /// <summary>A schema by name, or an inline one by path (<c>TableList.tables[]</c>).</summary>
    public static JsonElement Schema(string document, string path)
    {
        var parts = path.Split('.');
        var schema = Document(document).GetProperty("schemas").GetProperty(parts[0]);
        foreach (var part in parts.Skip(1))
        {
            var name = part.TrimEnd('[', ']');
            schema = schema.GetProperty("properties").GetProperty(name);
            if (part.EndsWith("[]", StringComparison.Ordinal))
            {
                schema = schema.GetProperty("items");
            }
        }

        return schema;
    }

    public static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>
/// The contract: every method the tool calls, every DTO property, every fake route and every body the
/// fake sends match Google's discovery documents (ENDPOINTS.md; token and metadata routes are exempt).
/// </summary>
public class DiscoveryContractTests
{
    private const string Needs = "the discovery contract (gcp-discovery/*.json)";

    /// <summary>The discovery schema a response type mirrors: our DTO's attribute, or for Google.Apis.Storage.v1's generated types (sent by Google.Cloud.Storage.V1) its name.</summary>
    private static string? SchemaOf(Type type) =>
        type.GetCustomAttribute<DiscoverySchemaAttribute>()?.Schema ?? (type.Namespace == "Google.Apis.Storage.v1.Data" ? type.Name : null);

    [DiscoveryFact(Needs)]
    public void EngineMethods_WhenComparedWithDiscovery_ShouldMatchRootVerbPathParametersAndBodies()
    {
        var problems = new List<string>();
        foreach (var method in GcpMethods.All)
        {
            var doc = Discovery.Document(method.Document);
            if (Discovery.Str(doc, "rootUrl") != method.Api.DefaultRootUrl || Discovery.Str(doc, "servicePath") != method.Api.ServicePath)
            {
                problems.Add($"{method.Id}: root {method.Api.DefaultRootUrl}{method.Api.ServicePath} ≠ {Discovery.Str(doc, "rootUrl")}{Discovery.Str(doc, "servicePath")}");
            }

            if (Discovery.FindMethod(method.Document, method.Id) is not { } d)
            {
                problems.Add($"{method.Id}: not in {method.Document}");
                continue;
            }

            if (Discovery.Str(d, "httpMethod") != method.HttpMethod || Discovery.Str(d, "path") != method.Path)
            {
                problems.Add($"{method.Id}: {method.HttpMethod} {method.Path} ≠ {Discovery.Str(d, "httpMethod")} {Discovery.Str(d, "path")}");
            }

            var parameters = d.TryGetProperty("parameters", out var p) ? p : default;
            foreach (var query in method.QueryParameters)
            {
                var known = parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(query, out var qp) && Discovery.Str(qp, "location") == "query";
                if (!known && !doc.GetProperty("parameters").TryGetProperty(query, out _))
                {
                    problems.Add($"{method.Id}: query parameter {query} is not declared");
                }
            }

            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(method.Path, @"\{\+?([A-Za-z]+)\}"))
            {
                if (parameters.ValueKind != JsonValueKind.Object || !parameters.TryGetProperty(m.Groups[1].Value, out var pp) || Discovery.Str(pp, "location") != "path")
                {
                    problems.Add($"{method.Id}: path parameter {m.Groups[1].Value} is not declared");
                }
            }

            var response = d.TryGetProperty("response", out var r) ? Discovery.Str(r, "$ref") : null;
            if (response != SchemaOf(method.Response))
            {
                problems.Add($"{method.Id}: response {method.Response.Name} ≠ {response}");
            }

            var request = d.TryGetProperty("request", out var q) ? Discovery.Str(q, "$ref") : null;
            if (request != method.Request?.GetCustomAttribute<DiscoverySchemaAttribute>()?.Schema)
            {
                problems.Add($"{method.Id}: request {method.Request?.Name} ≠ {request}");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Equal(18, GcpMethods.All.Count);
    }

    [DiscoveryFact(Needs)]
    public void Dtos_WhenComparedWithDiscovery_ShouldDeclareOnlySchemaPropertiesWithMatchingTypes()
    {
        var dtos = typeof(GcpMethod).Assembly.GetTypes().Where(t => t.GetCustomAttribute<DiscoverySchemaAttribute>() is not null).ToList();
        var problems = new List<string>();
        var checkedProperties = 0;
        foreach (var dto in dtos)
        {
            var attribute = dto.GetCustomAttribute<DiscoverySchemaAttribute>()!;
            var schema = Discovery.Schema(attribute.Document, attribute.Schema);
            var properties = schema.GetProperty("properties");
            foreach (var property in dto.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                checkedProperties++;
                var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                if (!properties.TryGetProperty(name, out var declared))
                {
                    problems.Add($"{dto.Name}.{property.Name}: '{name}' is not a property of {attribute.Schema}");
                    continue;
                }

                if (TypeProblem(attribute.Document, $"{attribute.Schema}.{name}", declared, property.PropertyType, property) is { } problem)
                {
                    problems.Add($"{dto.Name}.{property.Name}: {problem}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(dtos.Count >= 30 && checkedProperties >= 120, $"{dtos.Count} DTOs, {checkedProperties} properties");
    }

    private static string? TypeProblem(string document, string path, JsonElement declared, Type type, PropertyInfo? property)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (Discovery.Str(declared, "$ref") is { } reference)
        {
            var target = underlying.GetCustomAttribute<DiscoverySchemaAttribute>();
            return target?.Schema == reference ? null : $"{underlying.Name} does not mirror {reference}";
        }

        var format = Discovery.Str(declared, "format");
        switch (Discovery.Str(declared, "type"))
        {
            case "string" when format is "int64" or "uint64":
                var handling = property?.GetCustomAttribute<JsonNumberHandlingAttribute>()?.Handling;
                if (underlying != typeof(long) && underlying != typeof(ulong))
                {
                    return $"{format} (a JSON string) needs long/ulong, not {underlying.Name}";
                }

                return handling == (JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString) ? null : $"{format} needs [JsonNumberHandling(AllowReadingFromString | WriteAsString)]";
            case "string" when format == "date-time":
                return underlying == typeof(DateTimeOffset) || underlying == typeof(string) ? null : $"date-time needs DateTimeOffset or string, not {underlying.Name}";
            case "string":
                return underlying == typeof(string) ? null : $"string needs string, not {underlying.Name}";
            case "integer":
                return underlying == typeof(int) || underlying == typeof(uint) || underlying == typeof(long) ? null : $"integer needs int/uint, not {underlying.Name}";
            case "boolean":
                return underlying == typeof(bool) ? null : $"boolean needs bool, not {underlying.Name}";
            case "number":
                return underlying == typeof(double) ? null : $"number needs double, not {underlying.Name}";
            case "any":
                return underlying == typeof(JsonElement) ? null : $"any needs JsonElement, not {underlying.Name}";
            case "array":
                if (!underlying.IsGenericType || underlying.GetGenericTypeDefinition() != typeof(List<>))
                {
                    return $"array needs List<T>, not {underlying.Name}";
                }

                var items = declared.GetProperty("items");
                var item = underlying.GetGenericArguments()[0];
                if (Discovery.Str(items, "type") == "object" && items.TryGetProperty("properties", out _))
                {
                    return item.GetCustomAttribute<DiscoverySchemaAttribute>()?.Schema == path + "[]" ? null : $"items need a DTO mirroring {path}[]";
                }

                return TypeProblem(document, path + "[]", items, item, null);
            case "object" when declared.TryGetProperty("additionalProperties", out var values):
                if (!underlying.IsGenericType || underlying.GetGenericTypeDefinition() != typeof(Dictionary<,>) || underlying.GetGenericArguments()[0] != typeof(string))
                {
                    return $"a map needs Dictionary<string, T>, not {underlying.Name}";
                }

                return TypeProblem(document, path + "{}", values, underlying.GetGenericArguments()[1], null);
            default:
                return $"unexpected discovery type {Discovery.Str(declared, "type")}";
        }
    }

    [DiscoveryFact(Needs)]
    public void FakeRoutes_WhenComparedWithDiscovery_ShouldMatchVerbPathPatternsAndService()
    {
        var problems = new List<string>();
        var routes = FakeRoutes.All.Where(r => r.Document is not null).ToList();
        foreach (var route in routes)
        {
            var doc = Discovery.Document(route.Document!);
            if (Discovery.FindMethod(route.Document!, route.Id) is not { } d)
            {
                problems.Add($"{route.Id}: not in {route.Document}");
                continue;
            }

            var template = Discovery.Str(doc, "servicePath") + Discovery.Str(d, "path");
            if (Discovery.Str(d, "httpMethod") != route.Method || template != route.Template)
            {
                problems.Add($"{route.Id}: {route.Method} {route.Template} ≠ {Discovery.Str(d, "httpMethod")} {template}");
            }

            if (new Uri(Discovery.Str(doc, "rootUrl")!).Host != route.Service)
            {
                problems.Add($"{route.Id}: service {route.Service} ≠ host of {Discovery.Str(doc, "rootUrl")}");
            }

            foreach (var parameter in d.GetProperty("parameters").EnumerateObject().Where(p => Discovery.Str(p.Value, "location") == "path"))
            {
                var pattern = Discovery.Str(parameter.Value, "pattern");
                route.Patterns.TryGetValue(parameter.Name, out var ours);
                if (pattern != ours)
                {
                    problems.Add($"{route.Id}: pattern of {parameter.Name} is '{ours}', discovery says '{pattern}'");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // Every method the engine calls has a route.
        Assert.Empty(GcpMethods.All.Select(m => m.Id).Except(routes.Select(r => r.Id)));
        Assert.Equal(4, FakeRoutes.All.Count(r => r.Document is null)); // token, metadata ping, token and email: exempt
    }

    [Fact]
    public void FakeRoutes_WhenGivenAnExamplePathOfEachRoute_ShouldResolveToThatRouteAlone()
    {
        foreach (var route in FakeRoutes.All)
        {
            var path = System.Text.RegularExpressions.Regex.Replace(route.Template, @"\{(\+?)([A-Za-z]+)\}", m =>
                route.Patterns.TryGetValue(m.Groups[2].Value, out var pattern)
                    ? pattern.Trim('^', '$').Replace("[^/]+", "x1", StringComparison.Ordinal)
                    : "v1");
            var (found, _, ambiguous) = FakeRoutes.Match(route.Method, path);
            Assert.False(ambiguous, $"{path} matches several routes");
            Assert.True(found == route, $"{route.Method} {path} resolved to {found?.Id} instead of {route.Id}");
        }
    }

    [DiscoveryFact(Needs)]
    public async Task FakeResponses_WhenValidatedAgainstDiscovery_ShouldUseOnlyDeclaredPropertiesAndTypes()
    {
        var state = SeedDefault(features: 1500);
        state.QueryIncompleteResponses = 1;
        state.QueryResultPageSize = 1;
        // SeedDefault has the Run jobs, the pipeline account's key, the quota metric and a project budget; add
        // an execution still running, a second account's key and a budget over the whole billing account.
        state.RunJobs[1].Executions.Add(new FakeRunExecution("bqx-ml-merge-run01", Now.AddMinutes(-5)) { StartTime = Now.AddMinutes(-4), RunningCount = 1, SucceededCount = 0 });
        state.ServiceAccountKeys["sa@bqx-ml.iam.gserviceaccount.com"] = new() { new FakeServiceAccountKey("k1", DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)) };
        state.Budgets.Add(JsonNode.Parse("""{"name":"billingAccounts/012345-567890-ABCDEF/budgets/b1","displayName":"bqx","amount":{"lastPeriodAmount":{}},"thresholdRules":[{"thresholdPercent":0.5}],"etag":"e"}""")!.AsObject());
        state.AddDataset("bqx_audit_scratch");
        await using var server = await FakeGcpServer.StartAsync(state);
        server.Log.CaptureBodies = true;
        using var home = new TempDir();
        // First run: the storage query is denied (tables.list only on the datasets), so tables.get answers too.
        server.State.Iam.Only("bigquery.jobs.create", "bigquery.datasets.get", "bigquery.tables.get");
        foreach (var dataset in state.Datasets.Keys)
        {
            server.State.Iam.ResourceGrants[$"datasets/{dataset}"] = new HashSet<string> { "bigquery.tables.list" };
        }

        Run(server, home);
        server.State.Iam.GrantAll = true;
        Run(server, home, probeWrite: true); // DDL requests and answers too
        await CallTheRoutesTheEngineDoesNotCallAsync(server);

        var problems = new List<string>();
        var validated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in server.Log.Entries.Where(e => e.RouteId is not null && !FakeRoutes.IsAuthRoute(e.RouteId)))
        {
            var route = FakeRoutes.All.Single(r => r.Id == entry.RouteId);
            var method = Discovery.FindMethod(route.Document!, route.Id)!.Value;
            if (entry.Status is >= 200 and < 300 && !string.IsNullOrEmpty(entry.ResponseBody))
            {
                var reference = Discovery.Str(method.GetProperty("response"), "$ref")!;
                Validate(route.Document!, reference, JsonNode.Parse(entry.ResponseBody), $"{route.Id} response", problems);
                validated.Add(route.Id);
            }

            if (entry.Method == "POST" && entry.RequestBody is { Length: > 0 } body && method.TryGetProperty("request", out var request))
            {
                Validate(route.Document!, Discovery.Str(request, "$ref")!, JsonNode.Parse(body), $"{route.Id} request", problems);
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems.Distinct().Take(50)));
        var missing = FakeRoutes.All.Where(r => r.Document is not null && r.Id != "bigquery.tables.delete").Select(r => r.Id).Except(validated).ToList();
        Assert.True(missing.Count == 0, "routes whose answers were not validated: " + string.Join(", ", missing));
    }

    /// <summary>Calls the fake's routes the engine does not use, with plain HTTP, so their answers are validated too.</summary>
    private static async Task CallTheRoutesTheEngineDoesNotCallAsync(FakeGcpServer server)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        async Task Get(string path)
        {
            using var response = await http.GetAsync(path);
            Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        async Task Post(string path, string json)
        {
            using var content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            using var response = await http.PostAsync(path, content);
            Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        await Get("bigquery/v2/projects/bqx-ml/datasets");
        await Get("v2/projects/bqx-ml/locations/us-central1/jobs");
        await Get("v2/projects/bqx-ml/locations/us-central1/jobs/bqx-ml-extract");
        await Get("v2/projects/bqx-ml/locations/us-central1/jobs/bqx-ml-extract/executions");
        await Get("v1/projects/bqx-ml/serviceAccounts/sa@bqx-ml.iam.gserviceaccount.com/keys?keyTypes=USER_MANAGED");
        await Get("v1beta1/projects/bqx-ml/services/bigquery.googleapis.com/consumerQuotaMetrics?view=FULL");
        await Get("v1/billingAccounts/012345-567890-ABCDEF/budgets?scope=projects%2Fbqx-ml");
        await Get("v1/projects/bqx-ml/services/bigquery.googleapis.com");
        await Get("v1/projects/bqx-ml/services?filter=state:ENABLED");
        await Get("storage/v1/b/bqx-ml-staging/iam");
        await Post("v3/projects/bqx-ml:getIamPolicy", """{"options":{"requestedPolicyVersion":3}}""");
        await Post("bigquery/v2/projects/bqx-ml/datasets/bqx_ml_v3_models/tables/model_000000:getIamPolicy", """{"options":{"requestedPolicyVersion":1}}""");
        await Post("bigquery/v2/projects/bqx-ml/datasets/bqx_ml_v3_models/tables", """{"tableReference":{"projectId":"bqx-ml","datasetId":"bqx_ml_v3_models","tableId":"bqx_write_probe"}}""");
        using (var deleted = await http.DeleteAsync("bigquery/v2/projects/bqx-ml/datasets/bqx_ml_v3_models/tables/bqx_write_probe"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var job = server.State.Jobs.Keys.First();
        await Get($"bigquery/v2/projects/bqx-ml/jobs/{job}?location=us-central1");
    }

    /// <summary>Every property must be declared by the schema, with the JSON type its discovery type implies.</summary>
    private static void Validate(string document, string reference, JsonNode? node, string where, List<string> problems)
    {
        var schema = Discovery.Document(document).GetProperty("schemas").GetProperty(reference);
        ValidateNode(document, schema, node, where, problems);
    }

    private static void ValidateNode(string document, JsonElement schema, JsonNode? node, string where, List<string> problems)
    {
        if (node is null)
        {
            return;
        }

        if (Discovery.Str(schema, "$ref") is { } reference)
        {
            Validate(document, reference, node, where, problems);
            return;
        }

        var type = Discovery.Str(schema, "type");
        var format = Discovery.Str(schema, "format");
        var kind = node.GetValueKind();
        switch (type)
        {
            case "object" when schema.TryGetProperty("properties", out var properties):
                if (node is not JsonObject obj)
                {
                    problems.Add($"{where}: expected an object, got {kind}");
                    return;
                }

                foreach (var (name, value) in obj)
                {
                    if (!properties.TryGetProperty(name, out var declared))
                    {
                        problems.Add($"{where}.{name}: not declared by the schema");
                        continue;
                    }

                    ValidateNode(document, declared, value, $"{where}.{name}", problems);
                }

                return;
            case "object" when schema.TryGetProperty("additionalProperties", out var values):
                if (node is not JsonObject map)
                {
                    problems.Add($"{where}: expected a map, got {kind}");
                    return;
                }

                foreach (var (name, value) in map)
                {
                    ValidateNode(document, values, value, $"{where}[{name}]", problems);
                }

                return;
            case "object":
                if (kind != JsonValueKind.Object)
                {
                    problems.Add($"{where}: expected an object, got {kind}");
                }

                return;
            case "array":
                if (node is not JsonArray array)
                {
                    problems.Add($"{where}: expected an array, got {kind}");
                    return;
                }

                var items = schema.GetProperty("items");
                for (var i = 0; i < array.Count; i++)
                {
                    ValidateNode(document, items, array[i], $"{where}[{i}]", problems);
                }

                return;
            case "string":
                if (kind != JsonValueKind.String)
                {
                    problems.Add($"{where}: {type}{(format is null ? "" : "/" + format)} must be a JSON string, got {kind}");
                }
                else if (format is "int64" or "uint64" && !long.TryParse(node.GetValue<string>(), out _) && !ulong.TryParse(node.GetValue<string>(), out _))
                {
                    problems.Add($"{where}: {format} string '{node.GetValue<string>()}' is not a number");
                }

                return;
            case "integer" or "number":
                if (kind != JsonValueKind.Number)
                {
                    problems.Add($"{where}: {type} must be a JSON number, got {kind}");
                }

                return;
            case "boolean":
                if (kind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    problems.Add($"{where}: boolean must be true/false, got {kind}");
                }

                return;
            case "any":
                return;
            default:
                problems.Add($"{where}: unknown discovery type {type}");
                return;
        }
    }
}
