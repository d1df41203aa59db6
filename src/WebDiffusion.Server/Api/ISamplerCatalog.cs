namespace WebDiffusion.Server.Api;

/// <summary>Which sampler and schedule names the server can run.</summary>
public interface ISamplerCatalog
{
    bool IsKnownSampler(string name);

    bool IsKnownScheduler(string name);
}
