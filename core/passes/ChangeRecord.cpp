#include "passes/ChangeRecord.h"

#include <algorithm>

namespace netfold {

const char* fateName(Fate fate)
{
    switch (fate) {
    case Fate::Folded: return "folded";
    case Fate::Eliminated: return "eliminated";
    case Fate::Fused: return "fused";
    }
    return "?";
}

void ChangeRecord::merge(const ChangeRecord& o)
{
    removed.insert(removed.end(), o.removed.begin(), o.removed.end());
    added.insert(added.end(), o.added.begin(), o.added.end());
    for (NodeId id : o.changed) // an id is listed once
        if (std::find(changed.begin(), changed.end(), id) == changed.end())
            changed.push_back(id);
    constants.insert(constants.end(), o.constants.begin(), o.constants.end());
    removedInitializers.insert(removedInitializers.end(), o.removedInitializers.begin(), o.removedInitializers.end());
    for (const auto& kv : o.stats)
        stats[kv.first] += kv.second;
    warnings.insert(warnings.end(), o.warnings.begin(), o.warnings.end());
    for (const auto& kv : o.kept)
        if (kept.insert(kv).second && o.keptAtLimit.count(kv.first))
            keptAtLimit.insert(kv.first);
}

Json ChangeRecord::toJson() const
{
    Json j = Json::object();
    Json rem = Json::array();
    for (const auto& r : removed) {
        Json x = Json::object();
        x.set("id", static_cast<int64_t>(r.node));
        x.set("node", r.label);
        x.set("op", r.opType);
        x.set("fate", fateName(r.fate));
        if (r.into != kNoNode)
            x.set("into", static_cast<int64_t>(r.into));
        if (!r.intoValue.empty())
            x.set("into_value", r.intoValue);
        rem.push(x);
    }
    j.set("removed", rem);
    Json add = Json::array();
    for (auto id : added)
        add.push(static_cast<int64_t>(id));
    j.set("added", add);
    Json chg = Json::array();
    for (std::size_t i = 0; i < changed.size(); ++i)
        if (std::find(changed.begin(), changed.begin() + static_cast<std::ptrdiff_t>(i), changed[i])
            == changed.begin() + static_cast<std::ptrdiff_t>(i))
            chg.push(static_cast<int64_t>(changed[i]));
    j.set("changed", chg);
    Json cs = Json::array();
    for (const auto& c : constants) {
        Json x = Json::object();
        x.set("value", c.value);
        Json from = Json::array();
        for (auto id : c.from)
            from.push(static_cast<int64_t>(id));
        x.set("from", from);
        cs.push(x);
    }
    j.set("constants", cs);
    if (!removedInitializers.empty()) {
        Json ri = Json::array();
        for (const auto& n : removedInitializers)
            ri.push(n);
        j.set("removed_initializers", ri);
    }
    Json st = Json::object();
    for (const auto& kv : stats)
        st.set(kv.first, kv.second);
    j.set("stats", st);
    Json w = Json::array();
    for (const auto& s : warnings)
        w.push(s);
    j.set("warnings", w);
    Json k = Json::array();
    for (const auto& kv : kept) {
        Json x = Json::object();
        x.set("id", static_cast<int64_t>(kv.first));
        x.set("reason", kv.second);
        if (keptAtLimit.count(kv.first))
            x.set("at_limit", true);
        k.push(x);
    }
    j.set("kept", k);
    return j;
}

} // namespace netfold
