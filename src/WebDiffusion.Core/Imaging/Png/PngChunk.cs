namespace WebDiffusion.Core.Imaging.Png;

/// <summary>A chunk located in a PNG buffer: its 4-letter type and where its data lies.</summary>
internal readonly record struct PngChunk(uint Type, int DataOffset, int Length)
{
    public const uint Ihdr = 0x49484452;
    public const uint Plte = 0x504C5445;
    public const uint Idat = 0x49444154;
    public const uint Iend = 0x49454E44;
    public const uint Trns = 0x74524E53;
    public const uint Text = 0x74455874;
    public const uint Ztxt = 0x7A545874;
    public const uint Itxt = 0x69545874;

    /// <summary>Critical chunks have an upper-case first letter.</summary>
    public bool IsCritical => (Type & 0x20000000) == 0;

    public string TypeName => string.Create(4, Type, static (span, t) =>
    {
        for (var i = 0; i < 4; i++)
        {
            var c = (char)((t >> (24 - (8 * i))) & 0xFF);
            span[i] = char.IsAsciiLetter(c) ? c : '?';
        }
    });
}
