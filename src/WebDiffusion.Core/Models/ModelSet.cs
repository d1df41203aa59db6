using WebDiffusion.Core.Checkpoints.Compiler;
using WebDiffusion.Onnx;

namespace WebDiffusion.Core.Models;

/// <summary>
/// A loaded model: its files checked up front (<see cref="ModelSignatureChecks"/>) or its graphs compiled from a
/// checkpoint (<see cref="OpenCheckpoint"/>), each component's ORT session opened on first use (thread-safe), typed
/// wrappers bound by tensor name. Disposing releases every session, then what the sessions read from (the mapped checkpoint).
/// </summary>
public sealed partial class ModelSet : IDisposable
{
    private readonly ComponentSession[] _components;
    private readonly IDisposable? _weights;
    private int _disposed;

    private ModelSet(ModelDescription description, ModelSignatures signatures, OrtRuntime runtime, OrtSessionOptions? options)
        : this(description, signatures, Sessions(description, signatures, runtime, options), null, null)
    {
    }

    private ModelSet(ModelDescription description, ModelSignatures signatures, ComponentSession[] components, (ClipTokenEmbeddings Tokens, ClipTextLayout Layout)? compiledText, IDisposable? weights)
    {
        Description = description;
        Signatures = signatures;
        _components = components;
        _weights = weights;
        var (text, unet, decoder) = (components[0], components[1], components[2]);
        var encoder = components.Length > 3 ? components[3] : null;

        var hidden = signatures.TextHiddenSize;
        if (hidden <= 0)
        {
            throw new ModelLoadException(text.Path, "last_hidden_state", "a fixed hidden size in dim 2 (or a fixed unet context width)", signatures.TextEncoder.FindOutput("last_hidden_state")!.ShapeText);
        }

        TextEncoder = compiledText is { } compiled
            ? new TextEncoder(text, hidden, compiled.Tokens, compiled.Layout)
            : new TextEncoder(text, hidden, TextEncoderFeatures.From(signatures.TextEncoder));
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

    /// <summary>The separate VAE file in use (A1111's <c>sd_vae</c>), or null when the model's own VAE decodes.</summary>
    public VaeChoice? Vae { get; private init; }

    /// <summary>The VAE decoder.</summary>
    public VaeDecoder VaeDecoder { get; }

    /// <summary>The VAE encoder, or null when the model has none.</summary>
    public VaeEncoder? VaeEncoder { get; }

    /// <summary>Component folders whose session is open now.</summary>
    public IReadOnlyList<string> OpenComponents => [.. _components.Where(c => c.IsOpen).Select(c => c.Component)];

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

    /// <summary>
    /// Opens a diffusers ONNX folder whose VAE is replaced by the one compiled from <paramref name="vae"/> (a
    /// <c>models/VAE</c> .safetensors file, A1111's <c>sd_vae</c>): the folder's own vae_decoder/vae_encoder are not used.
    /// </summary>
    /// <exception cref="ModelLoadException">The folder does not fit, or the VAE file cannot be read or compiled (the message names it).</exception>
    public static ModelSet Open(ModelDescription description, OrtRuntime runtime, OrtSessionOptions? options, VaeChoice? vae)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(runtime);
        if (vae is null)
        {
            return Open(description, runtime, options);
        }

        var vaeFile = vae.Path;

        var signatures = ModelSignatureChecks.Check(description.Folder);
        var folderSessions = Sessions(description, signatures with { VaeEncoder = null }, runtime, options);
        var vaeTensors = OpenVaeFile(vaeFile);
        try
        {
            var (decoderGraph, encoderGraph) = CompileVae(vaeTensors, vaeFile, signatures.Latent);
            var decoder = Component(vaeTensors.FilePath, ModelComponents.VaeDecoder, decoderGraph, runtime, options);
            var encoder = Component(vaeTensors.FilePath, ModelComponents.VaeEncoder, encoderGraph, runtime, options);
            foreach (var replaced in folderSessions.Skip(2))
            {
                replaced.Dispose();
            }

            return new ModelSet(description, signatures with { VaeDecoder = decoder.Signature, VaeEncoder = encoder.Signature },
                [folderSessions[0], folderSessions[1], decoder, encoder], null, vaeTensors) { Vae = vae };
        }
        catch
        {
            vaeTensors.Dispose();
            throw;
        }
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

        _weights?.Dispose();
    }

    private static ComponentSession[] Sessions(ModelDescription description, ModelSignatures signatures, OrtRuntime runtime, OrtSessionOptions? options)
    {
        var text = new ComponentSession(description.ComponentPath(ModelComponents.TextEncoder), signatures.TextEncoder, runtime, options);
        var unet = new ComponentSession(description.ComponentPath(ModelComponents.UNet), signatures.UNet, runtime, options);
        var decoder = new ComponentSession(description.ComponentPath(ModelComponents.VaeDecoder), signatures.VaeDecoder, runtime, options);
        return signatures.VaeEncoder is null
            ? [text, unet, decoder]
            : [text, unet, decoder, new ComponentSession(description.ComponentPath(ModelComponents.VaeEncoder), signatures.VaeEncoder, runtime, options)];
    }
}
