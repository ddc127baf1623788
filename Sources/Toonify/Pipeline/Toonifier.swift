import StyleGAN
import ToonCore

/// A face photo's cartoon: the aligned face is projected into the base (photo) model's W, and that
/// latent is drawn by the blend of the base and its cartoon fine-tune at a degree, so the cartoon
/// keeps the person's pose and features.
public struct Toonifier: Sendable {
    public let base: Generator
    public let styled: Generator
    /// The blended generator at `blend.degree`.
    public let blended: Generator
    public let blend: Blend.Settings
    public let projector: Projector

    public init(base: Generator, styled: Generator, blend: Blend.Settings, objective: ProjectionObjective,
                projection: ProjectionSettings) throws {
        self.base = base
        self.styled = styled
        self.blend = blend
        blended = try Blend.generator(base: base, styled: styled, settings: blend)
        projector = try Projector(generator: base, objective: objective, settings: projection)
    }

    /// What one face became.
    public struct Face: Sendable {
        /// The projected latent, [1, numWs, wDim].
        public let ws: Tensor
        /// The base model's image of it (how well the photo was found), [1, 3, R, R].
        public let reconstruction: Tensor
        /// The blended model's image of it, [1, 3, R, R].
        public let cartoon: Tensor
        /// The projection's final distance.
        public let distance: Double
    }

    /// Toonifies an aligned face [1, 3, R, R] in [-1, 1] (R the base's resolution). `onStep` sees the
    /// projection's steps; an error it throws stops the projection there and is passed on.
    public func toonify(_ face: Tensor, onStep: (Projector.Step) throws -> Void = { _ in }) throws -> Face {
        let result = try projector.project(face, onStep: onStep)
        let cartoon = withoutGradients { blended.synthesis(ws: result.ws, noise: .const) }
        return Face(ws: result.ws, reconstruction: projector.image(result.ws), cartoon: cartoon, distance: result.distance)
    }

    /// The latent `ws` drawn by the blend at another `degree` (the same swap), for a slider of
    /// cartoons from one projection.
    public func cartoon(_ ws: Tensor, degree: Double) throws -> Tensor {
        var settings = blend
        settings.degree = degree
        let generator = degree == blend.degree ? blended : try Blend.generator(base: base, styled: styled, settings: settings)
        return withoutGradients { generator.synthesis(ws: ws, noise: .const) }
    }
}
