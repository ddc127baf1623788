extension Generator {
    /// The truncation asked for, the network's own default filling in what was not: StyleGAN (v1)
    /// truncates by default (psi 0.7 on 8 ws, as G_style does when `Gs.run` is given none), and its
    /// cutoff stays the network's when only psi is given; StyleGAN2 and 3 default to none, all ws.
    public func truncation(psi: Float?, cutoff: Int?) -> Truncation {
        let own = defaultTruncation
        return Truncation(psi: psi ?? own.psi, cutoff: cutoff ?? (config.isStyleGAN1 ? config.styleGAN1?.truncationCutoff : nil))
    }
}
