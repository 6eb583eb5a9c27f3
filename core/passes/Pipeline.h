#pragma once
#include "passes/Pass.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace netfold {

struct PipelineOptions {
    PassOptions pass;
    bool shapeInference = true;   ///< re-infer shapes after every change (onnxsim: --skip-shape-inference)
    bool optimization = true;     ///< run the optimizer passes (onnxsim: --skip-optimization)
    bool constantFolding = true;  ///< run fold_constants (onnxsim: --skip-constant-folding)
    std::set<std::string> skip;   ///< passes not to run (e.g. fuse_bn_into_conv for --skip-fuse-bn)
    int maxRounds = 50;
};

/// One executed pass that changed the model.
struct Step {
    std::string pass;
    int round = 1;
    std::shared_ptr<const Model> before;
    std::shared_ptr<const Model> after;
    ChangeRecord changes;
    double milliseconds = 0;
    /// Passes that ran since the previous step without changing anything.
    std::vector<std::string> unchanged;
};

/// onnxsim's schedule as steps a user can walk: each round runs the optimizer passes to a
/// fixed point, then constant folding; rounds repeat until nothing changes (at most maxRounds).
/// Every step keeps immutable before/after snapshots, so going back needs no undo code.
/// The GUI and the CLI drive the same pipeline.
class Pipeline {
public:
    explicit Pipeline(Model model, PipelineOptions options = {});
    ~Pipeline();

    /// Passes in run order (optimizer passes, then fold_constants), with their enabled state.
    struct Entry {
        std::shared_ptr<const Pass> pass;
        bool enabled = true;
    };
    const std::vector<Entry>& passes() const { return m_passes; }
    /// Enables or disables a pass; steps after the current position are dropped.
    void setEnabled(const std::string& name, bool enabled);
    /// Moves a pass to another position in the optimizer order; later steps are dropped.
    void movePass(const std::string& name, std::size_t newIndex);
    const PipelineOptions& options() const { return m_options; }
    /// Changes options; later steps are dropped.
    void setOptions(const PipelineOptions& options);

    const Model& original() const { return *m_original; }
    std::shared_ptr<const Model> originalPtr() const { return m_original; }
    /// The model after the steps up to the current position.
    const Model& current() const;
    std::shared_ptr<const Model> currentPtr() const;
    /// Every computed step (those past position() are kept for redo).
    const std::vector<Step>& steps() const { return m_steps; }
    /// Number of steps applied.
    std::size_t position() const { return m_position; }
    /// True when the schedule has finished at the current position.
    bool atFixedPoint() const;

    /// Applies the next pass that changes the model; false when the fixed point is reached.
    bool stepForward();
    /// Undoes the last step; false at the start.
    bool stepBack();
    /// Steps until the fixed point; `progress` is called after each step and may return false to stop.
    void runToFixedPoint(const std::function<bool(const Step&)>& progress = {});
    /// Back to the original model (computed steps are kept for redo).
    void reset();
    /// Moves to a computed position (0 to steps().size()) without computing anything; false
    /// (and no move) for a position past the computed steps.
    bool seek(std::size_t position);

    /// Why nodes were kept (not folded, not eliminated), from the latest run of every pass up to
    /// the current position, whether or not that run changed anything.
    std::map<NodeId, std::string> keptReasons() const;
    /// Those of keptReasons() that a limit stopped (ChangeRecord::keptAtLimit).
    std::map<NodeId, std::string> keptAtLimit() const;

    /// Called before and after every pass execution (whether or not it changes anything); not
    /// for a run the pipeline skips (see m_quiet and Pass::mayChange).
    std::function<void(const Pass&, const Model&)> beforePass;
    std::function<void(const Pass&, const Model&, const ChangeRecord&)> afterPass;

private:
    /// Where a round is: sweeping the optimizer passes, about to fold constants, or at its end.
    enum class Phase { Optimizer, Folding, EndOfRound };
    struct Cursor {
        int round = 1;
        Phase phase = Phase::Optimizer;
        std::size_t passIndex = 0;
        int sweeps = 0;
        bool sweepChanged = false;
        bool roundChanged = false;
        bool done = false;
    };
    void truncateFuture();
    bool computeNext();
    Model afterChange(Model model) const;

    PipelineOptions m_options;
    std::shared_ptr<const Model> m_original;
    std::vector<Entry> m_passes;
    std::shared_ptr<const Pass> m_fold;
    std::vector<Step> m_steps;
    std::vector<Cursor> m_cursors; // cursor after each step
    Cursor m_initial;
    struct Kept {
        std::string reason;
        bool atLimit = false;
    };
    /// The kept nodes still in the current model, with the latest reason of each.
    std::map<NodeId, Kept> liveKept() const;
    /// Kept reasons of the pass runs between steps (index = number of steps before the run).
    std::vector<std::map<NodeId, Kept>> m_kept;
    /// Passes that already ran on a snapshot and changed nothing, by snapshot: a pass is a
    /// function of the model and the options, so running it there again would change nothing
    /// again (the last sweep and round of a schedule are mostly such runs). Cleared whenever
    /// steps or options are dropped, so that no freed snapshot's address is looked up.
    std::map<const Model*, std::set<const Pass*>> m_quiet;
    std::size_t m_position = 0;
};

/// Replaces the shapes of graph inputs (onnxsim --overwrite-input-shape) and re-infers shapes.
/// Throws Error when an input name does not exist.
void overwriteInputShapes(Model& model, const std::vector<std::pair<std::string, std::vector<int64_t>>>& shapes);

} // namespace netfold
