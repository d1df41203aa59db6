using System.Text.Json;
using WebDiffusion.Core.Sampling.Samplers;
using WebDiffusion.Core.Sampling.Schedules;
using WebDiffusion.Server.Tests.Infrastructure;

namespace WebDiffusion.Server.Tests.Samplers;

public class SamplerEndpointsTests
{
    [Fact]
    public async Task Sdapi_lists_every_implemented_sampler_and_schedule_in_a1111_shape()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var samplers = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/sdapi/v1/samplers", UriKind.Relative)));
        var items = samplers.RootElement.EnumerateArray().ToArray();
        Assert.Equal(SamplerRegistry.Names, items.Select(i => i.GetProperty("name").GetString()!).ToArray());
        var euler = items.Single(i => i.GetProperty("name").GetString() == "Euler a");
        Assert.Equal(new[] { "k_euler_a", "k_euler_ancestral" }, euler.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()!).ToArray());
        Assert.Equal(JsonValueKind.Object, euler.GetProperty("options").ValueKind);
        var dpm2m = items.Single(i => i.GetProperty("name").GetString() == "DPM++ 2M");
        Assert.Equal("karras", dpm2m.GetProperty("options").GetProperty("scheduler").GetString());
        foreach (var name in items.Select(i => i.GetProperty("name").GetString()!))
        {
            Assert.Equal(name, SamplerRegistry.Get(name).Info.Name); // every listed name resolves
        }

        using var schedulers = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/sdapi/v1/schedulers", UriKind.Relative)));
        var schedules = schedulers.RootElement.EnumerateArray().ToArray();
        Assert.Equal(SchedulerCatalog.All.Select(s => s.Label), schedules.Select(s => s.GetProperty("label").GetString()));
        var karras = schedules.Single(s => s.GetProperty("name").GetString() == "karras");
        Assert.Equal(7.0, karras.GetProperty("default_rho").GetDouble());
        Assert.False(karras.GetProperty("need_inner_model").GetBoolean());
        Assert.Equal(JsonValueKind.Null, karras.GetProperty("aliases").ValueKind);
        var sgm = schedules.Single(s => s.GetProperty("name").GetString() == "sgm_uniform");
        Assert.Equal("SGMUniform", sgm.GetProperty("aliases")[0].GetString());
        Assert.True(sgm.GetProperty("need_inner_model").GetBoolean());
    }

    [Fact]
    public async Task Api_lists_names_aliases_and_labels()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var samplers = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/api/samplers", UriKind.Relative)));
        var first = samplers.RootElement[0];
        Assert.Equal("DPM++ 2M", first.GetProperty("name").GetString());
        Assert.Equal("k_dpmpp_2m", first.GetProperty("aliases")[0].GetString());
        Assert.Equal(2, first.EnumerateObject().Count());

        using var schedulers = JsonDocument.Parse(await server.Client.GetStringAsync(new Uri("/api/schedulers", UriKind.Relative)));
        Assert.Equal(12, schedulers.RootElement.GetArrayLength());
        Assert.Equal("Align Your Steps", schedulers.RootElement.EnumerateArray().Single(s => s.GetProperty("name").GetString() == "align_your_steps").GetProperty("label").GetString());
    }
}
