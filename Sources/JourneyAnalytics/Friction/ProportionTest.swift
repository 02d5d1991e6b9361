import Foundation

/// The two-proportion z-test friction findings report: is one group's rate different from the rest's?
enum ProportionTest {
    /// `z` and the two-sided `p` of `x1 / n1` against `x2 / n2`, with the pooled standard error
    /// `sqrt(p̂ (1 − p̂) (1/n1 + 1/n2))`, `p̂ = (x1 + x2) / (n1 + n2)`; nil when either group is
    /// empty or the pooled rate is 0 or 1 (no variance to test against).
    static func z(_ x1: Int, _ n1: Int, _ x2: Int, _ n2: Int) -> (z: Double, p: Double)? {
        guard n1 > 0, n2 > 0 else { return nil }
        let pooled = Double(x1 + x2) / Double(n1 + n2)
        let variance = pooled * (1 - pooled) * (1 / Double(n1) + 1 / Double(n2))
        guard variance > 0 else { return nil }
        let z = (Double(x1) / Double(n1) - Double(x2) / Double(n2)) / variance.squareRoot()
        return (z, erfc(abs(z) / 2.0.squareRoot()))
    }
}
