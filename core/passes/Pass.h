#pragma once
#include "eval/Evaluator.h"
#include "passes/ChangeRecord.h"

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace netfold {

/// What a user sees of a pass.
struct PassInfo {
    std::string name;        ///< onnxsim's name where one exists
    std::string summary;     ///< one line
    std::string description; ///< the Before/After text (written here only; shown by the UI and --list-passes)
    bool onnxsim = true;     ///< one of onnx-simplifier's default passes
};

/// The default size limit of constant folding: onnxsim's 1.5 MB (1.5 * 2^20 bytes). The CLI's
/// --size-limit and the GUI's options panel start from it.
constexpr std::size_t kDefaultSizeLimit = std::size_t(3) << 19;

/// Settings shared by all passes of a run.
struct PassOptions {
    /// Constant folding keeps Tile/Expand/ConstantOfShape (and any op) whose output exceeds this.
    std::size_t sizeLimit = kDefaultSizeLimit;
    /// Node names that must never be folded or removed.
    std::set<std::string> keepNodes;
    EvalOptions eval;
    /// Constant folding keeps a node whose kernel runs longer than this many seconds (its reason
    /// says so), so that one pathological node cannot stall a step; 0: no cap.
    double foldSeconds = 10;
    /// When set (by another thread), a running pass stops and throws Error(kCancelledStep); the
    /// pipeline then stays where it was. Not owned.
    const std::atomic<bool>* cancel = nullptr;
};

/// The message of the Error a pass throws when PassOptions::cancel stops it.
constexpr const char* kCancelledStep = "Cancelled: the step in progress was stopped and left no change.";

/// State for one run of a pass over one model: the model being edited, its record and options.
class PassContext {
public:
    PassContext(Model& model, ChangeRecord& record, const PassOptions& options)
        : m_model(model), m_record(record), m_options(options)
    {
    }
    Model& model() { return m_model; }
    const Model& model() const { return m_model; }
    ChangeRecord& record() { return m_record; }
    const PassOptions& options() const { return m_options; }
    int64_t opset() const { return m_model.opsetVersion(""); }
    NodeId newNodeId() { return m_model.newNodeId(); }

private:
    Model& m_model;
    ChangeRecord& m_record;
    const PassOptions& m_options;
};

/// The result of running one pass: the new model and what changed.
struct PassResult {
    Model model;
    ChangeRecord changes;
};

/// A simplification pass. run() never changes its input; a second run on its own output
/// changes nothing.
class Pass {
public:
    virtual ~Pass() = default;
    virtual PassInfo info() const = 0;
    PassResult run(const Model& model, const PassOptions& options = {}) const;
    /// False when running the pass on model cannot change it, found without running it (the
    /// pipeline then skips the run and the copy of the model it would make); true otherwise.
    virtual bool mayChange(const Model& model) const { return mayChangeGraph(model.graph); }

protected:
    /// Edits one graph in place. Subgraphs are visited first, by run(), unless this returns
    /// false from visitsSubgraphs().
    virtual void runOnGraph(Graph& graph, PassContext& ctx) const = 0;
    virtual bool visitsSubgraphs() const { return true; }
    /// False when running on graph (and the bodies below it) cannot change it: run() then does
    /// not copy a body it would leave as it is.
    virtual bool mayChangeGraph(const Graph&) const { return true; }

private:
    void runRecursive(Graph& graph, PassContext& ctx) const;
};

} // namespace netfold
