/// Groups of customers and the personas checked against them:
/// `{"segments": {"k", "groups": [{"id", "customers", "traits", "stages", "typical_path", …}], "personas": […], "offered": […]}}`.
public struct SegmentsResult: Codable, Sendable, Equatable {
    /// A k tried when none was given: the fit's cost and its silhouette (-1 … 1, higher is better).
    public struct Candidate: Codable, Sendable, Equatable {
        public var k: Int
        public var cost: Double
        public var silhouette: Double?
    }

    /// A column the customers were grouped by.
    public struct Feature: Codable, Sendable, Equatable {
        /// The trait path, or what of the journey (`first touchpoint in awareness`, `main channel`).
        public var name: String
        /// `trait` or `journey`.
        public var source: String
        /// `number` or `category`.
        public var kind: String
    }

    /// A trait value that sets a group apart: a category much more frequent in the group than over
    /// all customers, or a number whose mean in the group is half a deviation or more from the overall.
    public struct TraitValue: Codable, Sendable, Equatable {
        public var path: String
        /// The category, and its share among the group's customers with the trait and among all customers with it.
        public var value: String?
        public var share: Double?
        public var overallShare: Double?
        /// The number's mean in the group and over all customers with it.
        public var mean: Double?
        public var overallMean: Double?

        init(path: String, value: String, share: Double, overallShare: Double) {
            self.path = path
            self.value = value
            self.share = share
            self.overallShare = overallShare
        }

        init(path: String, mean: Double, overallMean: Double) {
            self.path = path
            self.mean = mean
            self.overallMean = overallMean
        }

        /// How strongly it sets the group apart: the share's rise, or the mean's relative distance.
        var lift: Double {
            if let share, let overallShare { return share - overallShare }
            if let mean, let overallMean { return min(1, abs(mean - overallMean) / max(abs(overallMean), 1)) }
            return 0
        }

        enum CodingKeys: String, CodingKey {
            case path, value, share, mean
            case overallShare = "overall_share", overallMean = "overall_mean"
        }
    }

    /// A stage: the share of the customers who reached it, and the touchpoint most of them met it at first.
    public struct StageUse: Codable, Sendable, Equatable {
        public var stage: String
        public var reached: Double
        public var touchpoint: String?
        /// The share of those who reached the stage that met it first at `touchpoint`.
        public var touchpointShare: Double?

        enum CodingKeys: String, CodingKey {
            case stage, reached, touchpoint
            case touchpointShare = "touchpoint_share"
        }
    }

    /// The most frequent path (touchpoint ids, consecutive repeats collapsed).
    public struct Path: Codable, Sendable, Equatable {
        public var touchpoints: [String]
        public var customers: Int
        public var share: Double
    }

    /// An id (a channel) and its share.
    public struct Share: Codable, Sendable, Equatable {
        public var id: String
        public var share: Double
    }

    /// One group of customers.
    public struct Group: Codable, Sendable, Equatable {
        /// `group-1` is the largest.
        public var id: String
        public var customers: Int
        /// Of all customers grouped.
        public var share: Double
        /// Customers who reached the map's goal, and their share.
        public var converted: Int
        public var conversion: Double?
        /// The mean measured emotion of the group's survey answers, on the map's scale, and how many answers.
        public var emotion: Double?
        public var answers: Int
        /// The trait values that set it apart, most distinctive first.
        public var traits: [TraitValue]
        /// Per stage: reached, and where.
        public var stages: [StageUse]
        public var typicalPath: Path?
        /// The channels most of its customers' events came on (up to three).
        public var channels: [Share]
        /// Its customers per persona id (`none`: matching no persona).
        public var personas: [String: Int]

        enum CodingKeys: String, CodingKey {
            case id, customers, share, converted, conversion, emotion, answers, traits, stages, channels, personas
            case typicalPath = "typical_path"
        }
    }

    /// A stage a persona's customers reach at a share 15 points or more away from all customers'.
    public struct StageDifference: Codable, Sendable, Equatable {
        public var stage: String
        public var reached: Double
        public var overall: Double
    }

    /// A persona against the groups.
    public struct PersonaFit: Codable, Sendable, Equatable {
        /// The persona id (`none`: customers matching no persona).
        public var id: String
        /// Customers with a counted event its rule takes.
        public var customers: Int
        /// The group most of them are in, and the share of them it holds: how well they fit one group.
        public var group: String?
        public var fit: Double?
        /// Its customers per group.
        public var groups: [String: Int]
        public var conversion: Double?
        /// The share of its customers whose counted events follow the map's stage order.
        public var inMapOrder: Double?
        /// Per stage: reached, and where.
        public var stages: [StageUse]
        /// Stages where its customers differ from all customers.
        public var differences: [StageDifference]
        public var typicalPath: Path?
        /// Whether the map names the persona.
        public var onMap: Bool

        enum CodingKeys: String, CodingKey {
            case id, customers, group, fit, groups, conversion, stages, differences
            case inMapOrder = "in_map_order", typicalPath = "typical_path", onMap = "on_map"
        }
    }

    /// A large group no persona takes half of, offered as a new persona.
    public struct Offer: Codable, Sendable, Equatable {
        public var group: String
        /// The offered persona's id and name.
        public var persona: String
        public var name: String
        /// The persona as a YAML document, ready for `personas/<id>.yaml`.
        public var document: String
    }

    /// A customer's group.
    public struct Assignment: Codable, Sendable, Equatable {
        public var customer: String
        public var group: String
    }

    /// The number of groups, and whether it was chosen by the silhouette.
    public var k: Int
    public var suggested: Bool
    /// The ks tried when none was given.
    public var candidates: [Candidate]
    /// The cost of a categorical mismatch.
    public var gamma: Double
    /// The k-prototypes cost of the grouping.
    public var cost: Double
    public var features: [Feature]
    /// Customers grouped (those with a counted event), and those of them who reached the goal.
    public var customers: Int
    public var converted: Int
    public var groups: [Group]
    public var personas: [PersonaFit]
    public var offered: [Offer]
    /// Each customer's group, when `options.assignments` asks: a page of them (`offset`, `limit`)
    /// of `customers` in all.
    public var assignments: [Assignment]?
    public var offset: Int?
    public var limit: Int?
}
