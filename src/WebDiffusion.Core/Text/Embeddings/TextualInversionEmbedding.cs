namespace WebDiffusion.Core.Text.Embeddings;

/// <summary>A textual-inversion embedding: <see cref="VectorCount"/> token vectors of width <see cref="Dimension"/>.</summary>
public sealed class TextualInversionEmbedding
{
    /// <summary>Creates an embedding from row-major vectors <c>[vectorCount, dimension]</c>.</summary>
    public TextualInversionEmbedding(string name, float[] vectors, int vectorCount, int dimension, string? sourcePath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentOutOfRangeException.ThrowIfLessThan(vectorCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (vectors.Length != vectorCount * dimension)
        {
            throw new ArgumentException($"Expected {vectorCount}×{dimension} values, got {vectors.Length}.", nameof(vectors));
        }

        Name = name;
        Vectors = vectors;
        VectorCount = vectorCount;
        Dimension = dimension;
        SourcePath = sourcePath;
    }

    /// <summary>The trigger word (the file stem).</summary>
    public string Name { get; }

    /// <summary>The vectors, row-major <c>[VectorCount, Dimension]</c>.</summary>
    public ReadOnlyMemory<float> Vectors { get; }

    /// <summary>How many token slots the embedding occupies.</summary>
    public int VectorCount { get; }

    /// <summary>The width of each vector (must equal the text encoder's hidden size).</summary>
    public int Dimension { get; }

    /// <summary>The file it came from, if any.</summary>
    public string? SourcePath { get; }
}
