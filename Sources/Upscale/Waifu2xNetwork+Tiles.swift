import ToonCore

extension Waifu2xNetwork {
    /// reconstruct.blockwise of the reference: the picture (3 planes of 8-bit codes, `width` x
    /// `height`) padded by repeating its edge pixels, cut into tiles of `blockSize / innerScale`
    /// pixels plus `offset / innerScale` on each side, run through the network `batchSize` tiles at
    /// a time, and the `blockSize`-pixel output tiles laid side by side: 3 float planes of
    /// `width * innerScale` x `height * innerScale`, unclipped. Values are codes / 255, as the
    /// reference divides its uint8 tiles.
    func blockwise(_ source: [UInt8], width: Int, height: Int, blockSize: Int, batchSize: Int) -> [Float] {
        precondition(source.count == 3 * width * height, "\(source.count) codes for 3x\(height)x\(width)")
        let scale = architecture.innerScale
        precondition(blockSize > 0 && blockSize % scale == 0, "block size \(blockSize) for \(architecture.referenceName)")
        let innerBlock = blockSize / scale, innerOffset = architecture.offset / scale
        let inBlock = innerBlock + 2 * innerOffset
        // The reference pads the bottom and right to whole blocks: ceil(side / innerBlock) tiles.
        let rows = (height + innerBlock - 1) / innerBlock, columns = (width + innerBlock - 1) / innerBlock
        let outHeight = height * scale, outWidth = width * scale
        var output = [Float](repeating: 0, count: 3 * outHeight * outWidth)
        let tiles = rows * columns
        for first in stride(from: 0, to: tiles, by: max(1, batchSize)) {
            let count = min(max(1, batchSize), tiles - first)
            var batch = Tensor(uninitializedShape: [count, 3, inBlock, inBlock])
            batch.withUnsafeMutableBufferPointer { x in
                source.withUnsafeBufferPointer { codes in
                    let (x, codes) = (x.baseAddress!, codes.baseAddress!)
                    Parallel.forEach(3 * count, grain: 1) { planes in
                        for plane in planes {
                            let (tile, channel) = (first + plane / 3, plane % 3)
                            let top = (tile / columns) * innerBlock - innerOffset, left = (tile % columns) * innerBlock - innerOffset
                            let from = codes + channel * width * height, to = x + plane * inBlock * inBlock
                            for r in 0..<inBlock {
                                let row = from + min(max(top + r, 0), height - 1) * width, out = to + r * inBlock
                                for c in 0..<inBlock { out[c] = Float(row[min(max(left + c, 0), width - 1)]) / 255 }
                            }
                        }
                    }
                }
            }
            let y = self(batch)
            precondition(y.shape == [count, 3, blockSize, blockSize], "\(architecture.referenceName) made \(y.shape) from \(batch.shape)")
            y.withUnsafeBufferPointer { y in
                output.withUnsafeMutableBufferPointer { out in
                    for slot in 0..<count {
                        let tile = first + slot
                        let top = (tile / columns) * blockSize, left = (tile % columns) * blockSize
                        let rowsKept = min(blockSize, outHeight - top), columnsKept = min(blockSize, outWidth - left)
                        for channel in 0..<3 {
                            let from = y.baseAddress! + (slot * 3 + channel) * blockSize * blockSize
                            let to = out.baseAddress! + channel * outHeight * outWidth + top * outWidth + left
                            for r in 0..<rowsKept { (to + r * outWidth).update(from: from + r * blockSize, count: columnsKept) }
                        }
                    }
                }
            }
        }
        return output
    }
}
