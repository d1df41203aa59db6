using WebDiffusion.Core.Models;
using WebDiffusion.Core.Text.Embeddings;

namespace WebDiffusion.Server.Generation;

/// <summary>
/// The textual-inversion library of <c>models/embeddings</c>, shared by generation (reloaded whenever a model loads),
/// the token counter and request validation, so all three recognise the same trigger words. Thread-safe.
/// </summary>
public sealed class EmbeddingLibrarySource(ModelRegistry registry)
{
    private readonly Lock _gate = new();
    private TextualInversionLibrary? _current;

    /// <summary>The embeddings folder.</summary>
    public string Folder => Path.Combine(registry.ModelsDir, "embeddings");

    /// <summary>The library as last loaded (loading it on first use).</summary>
    public TextualInversionLibrary Current
    {
        get
        {
            lock (_gate)
            {
                return _current ??= TextualInversionLibrary.Load(Folder);
            }
        }
    }

    /// <summary>Scans the folder again (a model load picks up embeddings added since).</summary>
    public TextualInversionLibrary Reload()
    {
        var library = TextualInversionLibrary.Load(Folder);
        lock (_gate)
        {
            _current = library;
        }

        return library;
    }
}
