// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ToonKit",
    platforms: [.macOS(.v14), .iOS(.v17)],
    products: [
        .library(name: "ToonCore", targets: ["ToonCore"]),
        .library(name: "ToonNN", targets: ["ToonNN"]),
        .library(name: "ToonIO", targets: ["ToonIO"]),
        .library(name: "StyleGAN", targets: ["StyleGAN"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "BuiltInModels", targets: ["BuiltInModels"]),
        .library(name: "ToonMetrics", targets: ["ToonMetrics"]),
        .library(name: "Toonify", targets: ["Toonify"]),
        .library(name: "Faces", targets: ["Faces"]),
        .library(name: "Stylizer", targets: ["Stylizer"]),
        .library(name: "Cluster", targets: ["Cluster"]),
        .library(name: "Upscale", targets: ["Upscale"]),
        .library(name: "ToonServer", targets: ["ToonServer"]),
        .executable(name: "toon", targets: ["toon"]),
    ],
    // The web studio (toon serve) is opt-in: `swift build --traits Studio`. Its dependencies (Hummingbird,
    // GRDB and what they bring) are then resolved; without the trait a package using ToonKit's libraries
    // never resolves them (docs/serve.md).
    traits: [.trait(name: "Studio", description: "toon serve: the web studio (Hummingbird, GRDB)")],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation`: the public API's DocC catalog (scripts/docs).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
        // toon serve: the web studio's HTTP server and its job database (docs/serve.md).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // System libraries (Debian: libopenblas-dev, libpng-dev, libjpeg62-turbo-dev; see scripts/setup).
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        // A small C layer: libpng and libjpeg report errors by longjmp, which Swift cannot catch; zlib
        // (already there under libpng) inflates compressed zip entries.
        .target(
            name: "CImage",
            dependencies: [
                .target(name: "CPNG", condition: .when(platforms: [.linux])),
                .target(name: "CJPEG", condition: .when(platforms: [.linux])),
            ],
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg"), .linkedLibrary("z")]
        ),
        // Runtime-dispatched AVX-512 SGEMM: built for the baseline, AVX-512 only inside functions
        // that run after a cpuid check. (scripts/test optimises C in debug builds, so tests stay fast.)
        .target(name: "CGemm"),
        // The vector loops of ToonCore's hot paths, compiled for each x86-64 level (baseline, AVX2,
        // AVX-512) in one build; the caller's ComputeConfiguration picks one per call.
        .target(name: "CKernels"),
        .target(
            name: "ToonCore",
            dependencies: [
                .target(name: "CBLAS", condition: .when(platforms: [.linux])),
                "CGemm",
                "CKernels",
            ],
            linkerSettings: [.linkedFramework("Accelerate", .when(platforms: [.macOS, .iOS]))]
        ),
        .target(name: "ToonNN", dependencies: ["ToonCore"]),
        // Starting child processes (ffmpeg) that die with toon: a parent-death signal set between
        // fork and exec, which Foundation's Process cannot do.
        .target(name: "CProcess"),
        .target(name: "ToonIO", dependencies: ["ToonCore", "CImage", "CProcess"]),
        .target(name: "StyleGAN", dependencies: ["ToonCore", "ToonNN", "ToonIO"]),
        // waifu2x's pretrained anime networks on ToonKit's engine (docs/upscale.md).
        .target(name: "Upscale", dependencies: ["ToonCore", "ToonIO"]),
        // Dataset preparation crops faces (Faces) and upscales small crops (Upscale).
        .target(name: "Datasets", dependencies: ["ToonCore", "ToonIO", "Faces", "Upscale"]),
        .target(name: "Training", dependencies: ["ToonCore", "ToonNN", "ToonIO", "StyleGAN", "Datasets", "ToonMetrics"]),
        .target(name: "ToonMetrics", dependencies: ["ToonCore", "ToonIO"]),
        // Face detection: OpenCV's cascade classifiers, evaluated as OpenCV 4.6 does (docs/faces.md).
        .target(name: "Faces", dependencies: ["ToonCore", "ToonIO"]),
        // Toonification: network blending, projection (and, later, the photo and video pipelines).
        .target(name: "Toonify", dependencies: ["ToonCore", "ToonNN", "ToonIO", "StyleGAN", "ToonMetrics", "Faces", "Datasets"]),
        // The real-time stylizer: a small image-to-image student distilled from a toonify pair (docs/stylizer.md).
        .target(name: "Stylizer", dependencies: ["ToonCore", "ToonNN", "ToonIO", "Datasets", "ToonMetrics", "Faces"]),
        // Open MPI loaded at run time (dlopen), so nothing needs it to build: docs/distributed.md.
        .target(name: "CMPI", linkerSettings: [.linkedLibrary("dl")]),
        // Work split across the ranks of an mpirun job.
        .target(name: "Cluster", dependencies: ["CMPI", "ToonCore", "ToonIO", "Datasets"]),
        // Generators and the stylizer student ToonKit trained itself (docs/built-in-models.md): a few MB of weights.
        .target(name: "BuiltInModels", dependencies: ["StyleGAN", "Stylizer"], resources: [.copy("Weights")]),
        // The web studio (toon serve): a Hummingbird app over the same library calls as the CLI (docs/serve.md);
        // without the Studio trait its sources compile to nothing.
        .target(
            name: "ToonServer",
            dependencies: [
                "ToonCore", "ToonIO", "StyleGAN", "Toonify", "Stylizer", "BuiltInModels", "Faces",
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Studio"])),
                .product(name: "GRDB", package: "GRDB.swift", condition: .when(traits: ["Studio"])),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "toon",
            dependencies: [
                "ToonCore", "ToonNN", "ToonIO", "StyleGAN", "Datasets", "Training", "BuiltInModels", "ToonMetrics", "Toonify", "Faces", "Stylizer", "Cluster",
                "Upscale", .target(name: "ToonServer", condition: .when(traits: ["Studio"])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "toon-bench",
            dependencies: ["ToonCore", "ToonNN", "ToonIO", "StyleGAN", "Training", "ToonMetrics", "Toonify", "BuiltInModels", "Faces", "Stylizer", "Datasets"],
            path: "Benchmarks/toon-bench"
        ),
        // Finite-difference gradient checks and seeded test data, shared by the test targets.
        .target(name: "ToonTestSupport", dependencies: ["ToonCore", "ToonIO", "ToonMetrics"], path: "Tests/ToonTestSupport"),
        .testTarget(
            name: "ToonCoreTests", dependencies: ["ToonCore", "ToonTestSupport"],
            exclude: ["Reference/make_conv_reference.py", "Reference/conv_reference.json", "Reference/make_resample_reference.py"]
        ),
        .testTarget(name: "ToonNNTests", dependencies: ["ToonNN", "ToonTestSupport"], exclude: ["Reference"]),
        .testTarget(name: "ToonIOTests", dependencies: ["ToonIO", "ToonTestSupport"], exclude: ["Reference"]),
        .testTarget(name: "StyleGANTests", dependencies: ["StyleGAN", "ToonIO", "ToonTestSupport"], exclude: ["Reference"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "ToonIO", "ToonCore", "Faces", "ToonTestSupport"]),
        .testTarget(name: "UpscaleTests", dependencies: ["Upscale", "ToonIO", "ToonCore", "ToonTestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "StyleGAN", "ToonTestSupport"], exclude: ["Reference"]),
        .testTarget(name: "ToonMetricsTests", dependencies: ["ToonMetrics", "ToonIO", "ToonTestSupport"], exclude: ["Reference"]),
        .testTarget(name: "FacesTests", dependencies: ["Faces", "ToonIO", "ToonMetrics", "ToonTestSupport"], exclude: ["Reference"]),
        .testTarget(name: "StylizerTests", dependencies: ["Stylizer", "ToonCore", "ToonNN", "ToonIO", "Datasets", "ToonMetrics", "Faces", "ToonTestSupport"], exclude: ["Reference"]),
        .testTarget(name: "ToonifyTests", dependencies: ["Toonify", "StyleGAN", "ToonIO", "ToonNN", "ToonMetrics", "Faces", "Datasets", "ToonTestSupport"], exclude: ["Reference"]),
        // The README's library example, compiled and run as it is written there.
        .testTarget(name: "LibraryExampleTests", dependencies: ["BuiltInModels", "StyleGAN", "ToonIO", "ToonTestSupport"]),
        // Runs the built `toon` executable end to end.
        .testTarget(
            name: "ToonServerTests",
            dependencies: [
                "ToonServer", "ToonIO", "StyleGAN", "BuiltInModels", "Datasets", "ToonTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird", condition: .when(traits: ["Studio"])),
            ],
            exclude: ["Browser"]
        ),
        .testTarget(name: "ToonCLITests", dependencies: ["ToonIO", "Datasets", "StyleGAN", "ToonMetrics", "ToonTestSupport"]),
    ]
)
