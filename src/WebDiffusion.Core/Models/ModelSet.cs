using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Models;

/// <summary>
/// A loaded model: its files checked up front (<see cref="ModelSignatureChecks"/>), each component's ORT session
/// opened on first use (thread-safe), typed wrappers bound by tensor name. Disposing releases every session.
/// </summary>
public sealed class ModelSet : IDisposable
{
    private readonly ComponentSession[] _components;
    private int _disposed;

    private ModelSet(ModelDescription description, ModelSignatures signatures, OrtRuntime runtime, OrtSessionOptions? options)
    {
        Description = description;
        Signatures = signatures;
        var text = new ComponentSession(description.ComponentPath(ModelComponents.TextEncoder), signatures.TextEncoder, runtime, options);
        var unet = new ComponentSession(description.ComponentPath(ModelComponents.UNet), signatures.UNet, runtime, options);
        var decoder = new ComponentSession(description.ComponentPath(ModelComponents.VaeDecoder), signatures.VaeDecoder, runtime, options);
        var encoder = signatures.VaeEncoder is null
            ? null
            : new ComponentSession(description.ComponentPath(ModelComponents.VaeEncoder), signatures.VaeEncoder, runtime, options);
        _components = encoder is null ? [text, unet, decoder] : [text, unet, decoder, encoder];

        var hidden = signatures.TextHiddenSize;
        if (hidden <= 0)
        {
            throw new ModelLoadException(text.Path, "last_hidden_state", "a fixed hidden size in dim 2 (or a fixed unet context width)", signatures.TextEncoder.FindOutput("last_hidden_state")!.ShapeText);
        }

        TextEncoder = new TextEncoder(text, hidden, TextEncoderFeatures.From(signatures.TextEncoder));
        UNet = new UNet(unet, hidden, signatures.Latent);
        VaeDecoder = new VaeDecoder(decoder, signatures.Latent);
        VaeEncoder = encoder is null ? null : new VaeEncoder(encoder, signatures.Latent);
    }

    /// <summary>The model's description.</summary>
    public ModelDescription Description { get; }

    /// <summary>The checked signatures of its components.</summary>
    public ModelSignatures Signatures { get; }

    /// <summary>The text encoder.</summary>
    public TextEncoder TextEncoder { get; }

    /// <summary>The unet.</summary>
    public UNet UNet { get; }

    /// <summary>The latent format (channels, VAE scale factor) read from the model's files.</summary>
    public LatentFormat Latent => Signatures.Latent;

    /// <summary>The VAE decoder.</summary>
    public VaeDecoder VaeDecoder { get; }

    /// <summary>The VAE encoder, or null when the model has none.</summary>
    public VaeEncoder? VaeEncoder { get; }

    /// <summary>Component folders whose session is open now.</summary>
    public IReadOnlyList<string> OpenComponents => [.. _components.Where(c => c.IsOpen).Select(c => Path.GetFileName(Path.GetDirectoryName(c.Path)!))];

    /// <summary>
    /// Checks the files of <paramref name="description"/> and prepares the components; sessions open on first use.
    /// Throws <see cref="ModelLoadException"/> naming the file and input when the model does not fit.
    /// </summary>
    public static ModelSet Open(ModelDescription description, OrtRuntime runtime, OrtSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(runtime);
        return new ModelSet(description, ModelSignatureChecks.Check(description.Folder), runtime, options);
    }

    /// <summary>Opens every session now (instead of on first use).</summary>
    public void OpenAll()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        foreach (var component in _components)
        {
            _ = component.Session;
        }
    }

    /// <summary>Closes every open session; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var component in _components)
        {
            component.Dispose();
        }
    }
}
