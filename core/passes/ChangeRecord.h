#pragma once
#include "model/Graph.h"
#include "util/Json.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace netfold {

/// What happened to a node a pass removed.
enum class Fate {
    Folded,     ///< computed at simplification time; its outputs became constants
    Eliminated, ///< a no-op dropped; its consumers read its input instead
    Fused       ///< absorbed into another node (e.g. BatchNormalization into Conv)
};

/// "folded", "eliminated", "fused".
const char* fateName(Fate fate);

/// A removed node and what replaced it: a node (into) and/or a constant value (intoValue).
struct Removal {
    NodeId node = kNoNode;
    std::string label;  ///< node label at removal time
    std::string opType;
    Fate fate = Fate::Eliminated;
    NodeId into = kNoNode;   ///< the node that absorbed it or now does its work
    std::string intoValue;   ///< the constant (initializer) it was folded into
};

/// A value that became a constant, and the nodes it was computed from.
struct NewConstant {
    std::string value;
    std::vector<NodeId> from;
    /// The nodes reading the constant right after the step.
    std::vector<NodeId> consumers;
};

/// Everything one pass changed, and what it looked at but kept (with the reason).
/// A counter passes report in their records (as MLIR's pass statistics): declared once, here,
/// with its key (the JSON name) and what it counts. ChangeRecord::count takes only these.
struct Statistic {
    const char* key;
    const char* meaning;
};

namespace stat {
constexpr Statistic kNodesFolded{"nodes-folded", "nodes computed away into constants"};
constexpr Statistic kNodesEliminated{"nodes-eliminated", "nodes removed as no-ops, dead code or unused outputs"};
constexpr Statistic kNodesFused{"nodes-fused", "nodes absorbed by a fused node (Conv+BN, LayerNorm, ...)"};
constexpr Statistic kNodesMerged{"nodes-merged", "nodes removed as duplicates of an equal node"};
constexpr Statistic kReshapesFused{"reshapes-fused", "Reshape chains collapsed into one Reshape"};
constexpr Statistic kBytesRemoved{"bytes-removed", "initializer bytes dropped (unused or duplicate)"};
constexpr Statistic kConstantsExtracted{"constants-extracted", "Constant nodes turned into initializers"};
constexpr Statistic kIfsInlined{"ifs-inlined", "If nodes with a constant condition replaced by their branch"};
} // namespace stat

/// An empty record means the pass reached its fixed point.
struct ChangeRecord {
    std::vector<Removal> removed;
    std::vector<NodeId> added;
    std::vector<NodeId> changed;
    std::vector<NewConstant> constants;
    std::vector<std::string> removedInitializers;
    std::map<std::string, int64_t> stats;
    std::vector<std::string> warnings;
    /// Nodes examined but left alone: why.
    std::map<NodeId, std::string> kept;
    /// The kept nodes a limit stopped (the size limit, the fold's time cap, a Loop's iteration
    /// cap): raising it may fold them.
    std::set<NodeId> keptAtLimit;

    bool empty() const
    {
        return removed.empty() && added.empty() && changed.empty() && constants.empty() && removedInitializers.empty();
    }
    void count(const Statistic& stat, int64_t n = 1) { stats[stat.key] += n; }
    /// Appends another record (from a subgraph or a sub-pass).
    void merge(const ChangeRecord& other);
    Json toJson() const;
};

} // namespace netfold
