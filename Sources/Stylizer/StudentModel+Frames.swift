import ToonCore
import ToonIO

extension StudentModel {
    /// Activation bytes of one frame of `width` x `height` (the decoder's widest join, a few tensors
    /// live at once), for a memory check before a large photo.
    public func frameBytes(width: Int, height: Int) -> Double {
        Double(width * height) * Double(config.channels(1) + config.channels(0)) * 4 * 3
    }

    /// A whole picture of any size, stylized: mirrored at its right and bottom edges up to the next
    /// multiple of 2^levels, run through the student, cropped back. RGB (gray expanded, alpha dropped).
    public func stylize(_ image: Image, degree: Float? = nil) throws(ToonIOError) -> Image {
        let rgb = image.rgb()
        let step = 1 << config.levels
        let (w, h) = (rgb.width, rgb.height)
        let (padW, padH) = ((step - w % step) % step, (step - h % step) % step)
        var x = rgb.tensor()
        // Mirroring needs the padding below the side; tiny pictures repeat their edge instead.
        if padW > 0 { x = padW < w ? x.reflectPadded(axis: 3, before: 0, after: padW) : x.padded(axis: 3, before: 0, after: padW) }
        if padH > 0 { x = padH < h ? x.reflectPadded(axis: 2, before: 0, after: padH) : x.padded(axis: 2, before: 0, after: padH) }
        let y = stylize(x, degree: degree).slice(axis: 2, 0..<h).slice(axis: 3, 0..<w)
        return try Image(tensor: y.contiguous())
    }
}
