#pragma once
#include "passes/Pipeline.h"

#include <QFutureWatcher>
#include <QObject>

#include <atomic>
#include <memory>

namespace netfold {

/// The GUI's handle on a simplification Pipeline: runs steps off the GUI thread (one at a
/// time), reports progress, can be cancelled, and tells views when the position changed.
///
/// Threading: a step or a run to the end works on the worker's own copy of the pipeline; the
/// GUI thread commits that copy when the work is done. The pipeline the views read is never
/// touched by another thread, so it can be read at any time, busy or not.
class SimplifySession : public QObject {
    Q_OBJECT
public:
    explicit SimplifySession(QObject* parent = nullptr);
    ~SimplifySession() override;

    /// Starts over on a model (drops the previous pipeline).
    void setModel(std::shared_ptr<const Model> model, const PipelineOptions& options = {});
    bool hasModel() const { return m_pipeline != nullptr; }
    /// The committed pipeline (what the views show; unchanged while a step is computed).
    const Pipeline* pipeline() const { return m_pipeline.get(); }
    bool busy() const { return m_busy; }
    /// Counts setModel() calls: the snapshots of one generation share NodeIds (one is a
    /// simplification of another), those of different generations do not.
    quint64 generation() const { return m_generation; }

    /// Snapshot before the current step (the original at position 0) and after it.
    std::shared_ptr<const Model> before() const;
    std::shared_ptr<const Model> after() const;
    /// The step shown as "current" (the last applied), or nullptr at position 0.
    const Step* currentStep() const;

public slots:
    /// Applies the next changing pass (F10).
    void step();
    /// Undoes the last step (Shift+F10).
    void back();
    /// Runs to the fixed point (F5), cancellable.
    void runToEnd();
    /// Back to the original model.
    void reset();
    /// Jumps to a computed step (position = steps applied, 0 = the original) at once; does
    /// nothing for a position past the computed steps or while busy.
    void goTo(int position);
    /// Stops a running runToEnd after the current pass.
    void cancel();
    void setPassEnabled(const QString& name, bool enabled);
    void setOptions(const PipelineOptions& options);

signals:
    /// The position or the steps changed (views re-read before()/after()).
    void changed();
    void busyChanged(bool busy);
    /// During runToEnd: steps done so far and the pass that just changed the model.
    void progress(int steps, const QString& pass);
    /// A pass or step failed, or Cancel stopped the work (one line).
    void failed(const QString& message);
    /// Step or runToEnd reached the fixed point.
    void fixedPointReached();

private:
    /// What a worker hands back: its copy of the pipeline, moved on, and the error if any.
    struct Outcome {
        std::shared_ptr<Pipeline> pipeline;
        quint64 generation = 0;
        QString error;
    };
    void runInBackground(std::function<void(Pipeline&)> work);
    void commit(const Outcome& outcome);

    std::shared_ptr<Pipeline> m_pipeline;
    QFutureWatcher<Outcome> m_watcher;
    std::atomic<bool> m_cancel{false};
    bool m_busy = false;
    quint64 m_generation = 0;
};

} // namespace netfold
