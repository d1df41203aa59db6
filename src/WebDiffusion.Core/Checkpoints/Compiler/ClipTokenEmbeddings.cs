using System.Globalization;

namespace WebDiffusion.Core.Checkpoints.Compiler;

/// <summary>
/// The token embedding table of a checkpoint's CLIP text encoder, read once as float32: looks up the rows for token ids to
/// make the <see cref="ClipTextEncoderCompiler.InputName"/> input of the compiled text encoder (which adds the position
/// embeddings itself), and gives single rows to textual-inversion code.
/// </summary>
public sealed class ClipTokenEmbeddings
{
    private readonly float[] _table;

    private ClipTokenEmbeddings(float[] table, int vocabularySize, int width)
    {
        _table = table;
        VocabularySize = vocabularySize;
        Width = width;
    }

    /// <summary>Rows in the table (token ids are 0 to this − 1).</summary>
    public int VocabularySize { get; }

    /// <summary>Values per row (the text encoder's width).</summary>
    public int Width { get; }

    /// <summary>Reads the table of the text encoder under <paramref name="keyPrefix"/> (layout detected as <see cref="ClipTextEncoderCompiler"/> does).</summary>
    /// <exception cref="CheckpointTensorMissingException">The checkpoint has no token embedding there.</exception>
    /// <exception cref="CheckpointFormatException">The table is not two-dimensional.</exception>
    /// <exception cref="CheckpointDTypeException">The table is not F32, F16 or BF16.</exception>
    public static ClipTokenEmbeddings Read(ICheckpointTensors tensors, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        var key = keyPrefix + ClipTextLayout.Detect(tensors, keyPrefix).TokenEmbedding;
        var shape = tensors.ShapeOf(key);
        if (shape.Count != 2 || shape[0] <= 0 || shape[1] <= 0 || shape[0] * shape[1] > Array.MaxLength)
        {
            throw new CheckpointFormatException(tensors.FilePath, key, $"a token embedding table is [vocabulary, width], found [{string.Join(", ", shape)}].");
        }

        return new ClipTokenEmbeddings(tensors.ReadFloat32(key), checked((int)shape[0]), checked((int)shape[1]));
    }

    /// <summary>The embedding of token <paramref name="id"/> (a view of the table).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not in the vocabulary.</exception>
    public ReadOnlySpan<float> Row(long id)
    {
        CheckId(id);
        return _table.AsSpan(checked((int)id * Width), Width);
    }

    /// <summary>
    /// Writes the row of each of <paramref name="ids"/> (e.g. [batch, 77] in C order) into <paramref name="destination"/>
    /// ([batch, 77, width], exactly <c>ids.Length × Width</c> values).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in the vocabulary (nothing is written from it on).</exception>
    public void Embed(ReadOnlySpan<long> ids, Span<float> destination)
    {
        if (destination.Length != (long)ids.Length * Width)
        {
            throw new ArgumentException($"{ids.Length} token ids need {(long)ids.Length * Width} values ({Width} each), the destination has {destination.Length}.", nameof(destination));
        }

        for (var i = 0; i < ids.Length; i++)
        {
            Row(ids[i]).CopyTo(destination.Slice(i * Width, Width));
        }
    }

    /// <summary>The rows of <paramref name="ids"/> as a new array (see <see cref="Embed(ReadOnlySpan{long}, Span{float})"/>).</summary>
    public float[] Embed(ReadOnlySpan<long> ids)
    {
        var result = new float[checked(ids.Length * Width)];
        Embed(ids, result);
        return result;
    }

    private void CheckId(long id)
    {
        if (id < 0 || id >= VocabularySize)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id,
                string.Create(CultureInfo.InvariantCulture, $"Token id {id} is outside the text encoder's vocabulary of {VocabularySize} tokens (0 to {VocabularySize - 1})."));
        }
    }
}
