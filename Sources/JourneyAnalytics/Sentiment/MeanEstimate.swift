import Foundation

/// A mean with its sample standard deviation and Student-t confidence interval, accumulated one
/// value at a time (Welford's method, stable for millions of values) and mergeable across parts.
///
/// The interval is `mean ± t(1 − (1 − confidence)/2, n − 1) · s / √n`, where `s` is the sample
/// standard deviation (divisor n − 1) and `t` the Student-t quantile from ``tQuantile(_:degreesOfFreedom:)``.
/// With fewer than two values there is no standard deviation and no interval.
public struct MeanEstimate: Sendable, Equatable {
    /// Values added (non-finite values are ignored).
    public private(set) var count = 0
    /// Their mean; 0 when there are none.
    public private(set) var mean = 0.0
    /// Sum of squared deviations from the mean.
    private var squares = 0.0

    /// No values yet.
    public init() {}

    /// The estimate of some values.
    public init(_ values: some Sequence<Double>) {
        for value in values { add(value) }
    }

    /// Adds one value; NaN and infinities are ignored.
    public mutating func add(_ value: Double) {
        guard value.isFinite else { return }
        count += 1
        let delta = value - mean
        mean += delta / Double(count)
        squares += delta * (value - mean)
    }

    /// Adds every value of another estimate (Chan, Golub and LeVeque's pairwise update).
    public mutating func merge(_ other: MeanEstimate) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        let total = count + other.count
        let delta = other.mean - mean
        mean += delta * Double(other.count) / Double(total)
        squares += other.squares + delta * delta * Double(count) * Double(other.count) / Double(total)
        count = total
    }

    /// The sample variance (divisor n − 1); nil with fewer than two values.
    public var variance: Double? { count > 1 ? max(squares, 0) / Double(count - 1) : nil }

    /// The sample standard deviation; nil with fewer than two values.
    public var standardDeviation: Double? { variance?.squareRoot() }

    /// `s / √n`; nil with fewer than two values.
    public var standardError: Double? { standardDeviation.map { $0 / Double(count).squareRoot() } }

    /// Half the width of the interval: `t · s / √n`; nil with fewer than two values.
    public func margin(confidence: Double = 0.95) -> Double? {
        guard let standardError, confidence > 0, confidence < 1 else { return nil }
        return Self.tQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: Double(count - 1)) * standardError
    }

    /// `mean ± t · s / √n`; nil with fewer than two values.
    public func interval(confidence: Double = 0.95) -> ClosedRange<Double>? {
        margin(confidence: confidence).map { (mean - $0)...(mean + $0) }
    }
}

extension MeanEstimate: Codable {
    private enum CodingKeys: String, CodingKey {
        case count, mean, standardDeviation = "sd", lower = "ci95_low", upper = "ci95_high"
    }

    /// `{"count", "mean", "sd", "ci95_low", "ci95_high"}`; the last three are null with fewer than two values.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        try container.encode(mean, forKey: .mean)
        try container.encode(standardDeviation, forKey: .standardDeviation)
        let interval = interval()
        try container.encode(interval?.lowerBound, forKey: .lower)
        try container.encode(interval?.upperBound, forKey: .upper)
    }

    /// Reads what ``encode(to:)`` writes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        count = try container.decode(Int.self, forKey: .count)
        mean = try container.decode(Double.self, forKey: .mean)
        let deviation = try container.decodeIfPresent(Double.self, forKey: .standardDeviation) ?? 0
        squares = count > 1 ? deviation * deviation * Double(count - 1) : 0
    }
}

extension MeanEstimate {
    /// The Student-t quantile: the `t` with P(T ≤ t) = `probability` for `degreesOfFreedom` ν > 0.
    ///
    /// Exact closed forms for ν = 1 (`tan(π(p − ½))`) and ν = 2 (`(2p − 1) / √(2p(1 − p))`);
    /// otherwise the distribution function `1 − I_{ν/(ν+t²)}(ν/2, ½) / 2` (regularised incomplete beta,
    /// by its continued fraction) is inverted by bisection to 1e-12. For example t(0.975, 4) = 2.7764,
    /// t(0.975, 30) = 2.0423, and it tends to the normal 1.9600 as ν grows.
    public static func tQuantile(_ probability: Double, degreesOfFreedom: Double) -> Double {
        guard probability > 0, probability < 1, degreesOfFreedom > 0, degreesOfFreedom.isFinite else {
            if probability.isNaN || degreesOfFreedom.isNaN || degreesOfFreedom <= 0 { return .nan }
            if probability <= 0 { return -.infinity }
            if probability >= 1 { return .infinity }
            return normalQuantile(probability)
        }
        if probability < 0.5 { return -tQuantile(1 - probability, degreesOfFreedom: degreesOfFreedom) }
        if probability == 0.5 { return 0 }
        if degreesOfFreedom == 1 { return tan(Double.pi * (probability - 0.5)) }
        if degreesOfFreedom == 2 { return (2 * probability - 1) / (2 * probability * (1 - probability)).squareRoot() }
        var low = 0.0, high = 1.0
        while tDistribution(high, degreesOfFreedom: degreesOfFreedom) < probability && high < 1e12 { high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if tDistribution(middle, degreesOfFreedom: degreesOfFreedom) < probability { low = middle } else { high = middle }
            if high - low <= 1e-12 * max(1, middle) { break }
        }
        return (low + high) / 2
    }

    /// Welch's t-test of `second`'s mean against `first`'s: t (positive when the second is higher),
    /// the Welch–Satterthwaite degrees of freedom and the two-sided p-value; nil with fewer than two
    /// values on a side or no variance on both.
    public static func welch(_ first: MeanEstimate, _ second: MeanEstimate) -> (t: Double, degreesOfFreedom: Double, p: Double)? {
        guard let varianceOne = first.variance, let varianceTwo = second.variance else { return nil }
        let one = varianceOne / Double(first.count), two = varianceTwo / Double(second.count)
        guard one + two > 0 else { return nil }
        let t = (second.mean - first.mean) / (one + two).squareRoot()
        let degrees = (one + two) * (one + two) / (one * one / Double(first.count - 1) + two * two / Double(second.count - 1))
        return (t, degrees, 2 * tDistribution(-abs(t), degreesOfFreedom: degrees))
    }

    /// P(T ≤ t) for Student's t with ν degrees of freedom.
    public static func tDistribution(_ t: Double, degreesOfFreedom: Double) -> Double {
        let x = degreesOfFreedom / (degreesOfFreedom + t * t)
        let tail = 0.5 * regularizedBeta(x, degreesOfFreedom / 2, 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9),
    /// the limit of the t quantile for infinite degrees of freedom.
    public static func normalQuantile(_ p: Double) -> Double {
        guard p > 0, p < 1 else { return p <= 0 ? -.infinity : .infinity }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let lowTail = 0.02425
        if p < lowTail || p > 1 - lowTail {
            let q = (-2 * log(p < lowTail ? p : 1 - p)).squareRoot()
            let value = horner(c, q) / (horner(d, q) * q + 1)
            return p < lowTail ? value : -value
        }
        let q = p - 0.5, r = q * q
        return horner(a, r) * q / (horner(b, r) * r + 1)
    }

    /// `c0·xⁿ + c1·xⁿ⁻¹ + … + cn`.
    private static func horner(_ coefficients: [Double], _ x: Double) -> Double {
        coefficients.reduce(0) { $0 * x + $1 }
    }

    /// The regularised incomplete beta function I_x(a, b), by Lentz's continued fraction on the side
    /// where it converges fast.
    static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let front = exp(logPowers - logBeta)
        if x < (a + 1) / (a + b + 2) { return front * betaFraction(x, a, b) / a }
        return 1 - front * betaFraction(1 - x, b, a) / b
    }

    private static func betaFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...10_000 {
            let m = Double(m)
            var numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + numerator * d; if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + numerator * d; if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            result *= step
            if abs(step - 1) < 1e-15 { break }
        }
        return result
    }
}
