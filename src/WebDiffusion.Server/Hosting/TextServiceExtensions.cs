using Microsoft.Extensions.DependencyInjection.Extensions;
using WebDiffusion.Core.Text.Tokenization;

namespace WebDiffusion.Server.Hosting;

/// <summary>Registration of the text (prompt) services.</summary>
public static class TextServiceExtensions
{
    /// <summary>Adds the prompt tokenizer source (CLIP's default tokenizer until a model supplies its own).</summary>
    public static IServiceCollection AddWebDiffusionText(this IServiceCollection services)
    {
        services.TryAddSingleton<PromptTokenizerSource>();
        services.TryAddSingleton<IPromptTokenizerSource>(sp => sp.GetRequiredService<PromptTokenizerSource>());
        return services;
    }
}
