namespace WebDiffusion.Core.Imaging.Png;

/// <summary>A decoded PNG: its pixels as RGBA8, its header, and its text chunks in file order.</summary>
/// <param name="Image">The pixels (16-bit samples reduced to their high byte, palettes and tRNS applied).</param>
/// <param name="Header">The IHDR fields.</param>
/// <param name="Texts">tEXt, zTXt and iTXt entries in file order, wherever they were in the file.</param>
public sealed record DecodedPng(RgbaImage Image, PngHeader Header, IReadOnlyList<PngTextEntry> Texts);
