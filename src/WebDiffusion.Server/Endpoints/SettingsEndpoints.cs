using System.Text.Json;
using WebDiffusion.Server.Settings;

namespace WebDiffusion.Server.Endpoints;

/// <summary><c>GET/PUT /api/settings</c>: the UI's persisted defaults.</summary>
public static class SettingsEndpoints
{
    public static IEndpointRouteBuilder MapSettingsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/settings", (UserSettingsStore store) => Results.Ok(store.Read()));
        endpoints.MapPut("/api/settings", (JsonElement body, UserSettingsStore store) =>
        {
            var problems = store.Merge(body, out var merged);
            return problems.Count == 0 ? Results.Ok(merged) : Results.BadRequest(new { error = string.Join(" ", problems) });
        });
        return endpoints;
    }
}
