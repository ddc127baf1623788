/// One convolution of pytorch-fid's Inception v3 (torchvision's `BasicConv2d`: conv without bias,
/// BatchNorm with eps 0.001, ReLU), under its state-dict prefix, e.g. `Mixed_6b.branch7x7_2`.
struct InceptionConvSpec: Sendable {
    let name: String
    let input, output: Int
    let kernel: (height: Int, width: Int)
    let stride: Int
    let padding: (y: Int, x: Int)

    /// The conv weight's shape, [out, in, kh, kw].
    var weightShape: [Int] { [output, input, kernel.height, kernel.width] }
}

/// Every convolution of pytorch-fid's `fid_inception_v3` up to the 2048-d pool, block by block as
/// torchvision's Inception3 and pytorch-fid's FIDInceptionA/C/E define them.
enum InceptionLayout {
    static let convolutions: [InceptionConvSpec] = stem + mixed5 + mixed6 + mixed7

    private static func conv(_ name: String, _ input: Int, _ output: Int, _ kh: Int, _ kw: Int,
                             stride: Int = 1, padY: Int = 0, padX: Int = 0) -> InceptionConvSpec {
        InceptionConvSpec(name: name, input: input, output: output, kernel: (kh, kw), stride: stride, padding: (padY, padX))
    }

    private static let stem = [
        conv("Conv2d_1a_3x3", 3, 32, 3, 3, stride: 2),
        conv("Conv2d_2a_3x3", 32, 32, 3, 3),
        conv("Conv2d_2b_3x3", 32, 64, 3, 3, padY: 1, padX: 1),
        conv("Conv2d_3b_1x1", 64, 80, 1, 1),
        conv("Conv2d_4a_3x3", 80, 192, 3, 3),
    ]

    private static let mixed5 = blockA("Mixed_5b", 192, pool: 32) + blockA("Mixed_5c", 256, pool: 64) + blockA("Mixed_5d", 288, pool: 64)
    private static let mixed6 = blockB("Mixed_6a", 288) + blockC("Mixed_6b", 128) + blockC("Mixed_6c", 160)
        + blockC("Mixed_6d", 160) + blockC("Mixed_6e", 192)
    private static let mixed7 = blockD("Mixed_7a", 768) + blockE("Mixed_7b", 1280) + blockE("Mixed_7c", 2048)

    private static func blockA(_ p: String, _ c: Int, pool: Int) -> [InceptionConvSpec] {
        [conv("\(p).branch1x1", c, 64, 1, 1),
         conv("\(p).branch5x5_1", c, 48, 1, 1), conv("\(p).branch5x5_2", 48, 64, 5, 5, padY: 2, padX: 2),
         conv("\(p).branch3x3dbl_1", c, 64, 1, 1), conv("\(p).branch3x3dbl_2", 64, 96, 3, 3, padY: 1, padX: 1),
         conv("\(p).branch3x3dbl_3", 96, 96, 3, 3, padY: 1, padX: 1),
         conv("\(p).branch_pool", c, pool, 1, 1)]
    }

    private static func blockB(_ p: String, _ c: Int) -> [InceptionConvSpec] {
        [conv("\(p).branch3x3", c, 384, 3, 3, stride: 2),
         conv("\(p).branch3x3dbl_1", c, 64, 1, 1), conv("\(p).branch3x3dbl_2", 64, 96, 3, 3, padY: 1, padX: 1),
         conv("\(p).branch3x3dbl_3", 96, 96, 3, 3, stride: 2)]
    }

    private static func blockC(_ p: String, _ c7: Int) -> [InceptionConvSpec] {
        [conv("\(p).branch1x1", 768, 192, 1, 1),
         conv("\(p).branch7x7_1", 768, c7, 1, 1), conv("\(p).branch7x7_2", c7, c7, 1, 7, padX: 3),
         conv("\(p).branch7x7_3", c7, 192, 7, 1, padY: 3),
         conv("\(p).branch7x7dbl_1", 768, c7, 1, 1), conv("\(p).branch7x7dbl_2", c7, c7, 7, 1, padY: 3),
         conv("\(p).branch7x7dbl_3", c7, c7, 1, 7, padX: 3), conv("\(p).branch7x7dbl_4", c7, c7, 7, 1, padY: 3),
         conv("\(p).branch7x7dbl_5", c7, 192, 1, 7, padX: 3),
         conv("\(p).branch_pool", 768, 192, 1, 1)]
    }

    private static func blockD(_ p: String, _ c: Int) -> [InceptionConvSpec] {
        [conv("\(p).branch3x3_1", c, 192, 1, 1), conv("\(p).branch3x3_2", 192, 320, 3, 3, stride: 2),
         conv("\(p).branch7x7x3_1", c, 192, 1, 1), conv("\(p).branch7x7x3_2", 192, 192, 1, 7, padX: 3),
         conv("\(p).branch7x7x3_3", 192, 192, 7, 1, padY: 3), conv("\(p).branch7x7x3_4", 192, 192, 3, 3, stride: 2)]
    }

    private static func blockE(_ p: String, _ c: Int) -> [InceptionConvSpec] {
        [conv("\(p).branch1x1", c, 320, 1, 1),
         conv("\(p).branch3x3_1", c, 384, 1, 1), conv("\(p).branch3x3_2a", 384, 384, 1, 3, padX: 1),
         conv("\(p).branch3x3_2b", 384, 384, 3, 1, padY: 1),
         conv("\(p).branch3x3dbl_1", c, 448, 1, 1), conv("\(p).branch3x3dbl_2", 448, 384, 3, 3, padY: 1, padX: 1),
         conv("\(p).branch3x3dbl_3a", 384, 384, 1, 3, padX: 1), conv("\(p).branch3x3dbl_3b", 384, 384, 3, 1, padY: 1),
         conv("\(p).branch_pool", c, 192, 1, 1)]
    }
}
