#pragma once
#include "eval/Verify.h"
#include "model/Graph.h"

#include <QFutureWatcher>
#include <QWidget>

#include <memory>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace netfold {

/// The summary dock: onnxsim's op-count table before/after (nodes, initializer bytes), and
/// verification: both models run on random inputs with netfold's evaluator, max abs/rel
/// difference per output (or the ops that have no kernel yet).
class SummaryPanel : public QWidget {
    Q_OBJECT
public:
    explicit SummaryPanel(QWidget* parent = nullptr);
    /// Stops a running verification and waits for it.
    ~SummaryPanel() override;

    /// Shows counts for a before/after pair (after may equal before).
    void setModels(std::shared_ptr<const Model> before, std::shared_ptr<const Model> after);
    QTableWidget* countsTable() const { return m_counts; }
    QTableWidget* verifyTable() const { return m_verify; }
    /// Optional input shapes for Verify ("x:1,16000; y:2").
    QLineEdit* verifyShapesEdit() const { return m_verifyShapes; }
    /// The last verification (valid once verifyFinished was emitted).
    const VerifyResult& lastVerify() const { return m_result; }

public slots:
    /// Runs the verification in the background (its button turns into Cancel meanwhile).
    void verify();
    /// Stops a running verification at the next node; it reports "cancelled", no verdict.
    void cancelVerify();

signals:
    void verifyFinished(bool ok);

private:
    std::shared_ptr<const Model> m_before;
    std::shared_ptr<const Model> m_after;
    QTableWidget* m_counts;
    QTableWidget* m_verify;
    QLabel* m_verifyStatus;
    QLineEdit* m_verifyShapes;
    QPushButton* m_verifyButton;
    QFutureWatcher<VerifyResult> m_watcher;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    VerifyResult m_result;
};

} // namespace netfold
