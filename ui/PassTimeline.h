#pragma once
#include "passes/Pipeline.h"

#include <QWidget>

class QAction;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLayout;
class QLineEdit;
class QProgressBar;
class QSplitter;
class QTextBrowser;
class QTreeWidget;
class QTreeWidgetItem;

namespace netfold {

class SimplifySession;

/// The pass timeline dock: the pipeline's passes (switch them on and off, read their
/// Before/After), the steps taken so far with what each changed, the stepping controls
/// (Step F10, Back Shift+F10, Run to end F5, Reset, Cancel) and the options.
class PassTimeline : public QWidget {
    Q_OBJECT
public:
    explicit PassTimeline(SimplifySession* session, QWidget* parent = nullptr);

    QAction* stepAction() const { return m_step; }
    QAction* backAction() const { return m_back; }
    QAction* runAction() const { return m_run; }
    QAction* resetAction() const { return m_reset; }
    QAction* cancelAction() const { return m_cancel; }
    /// True when highlights should show every step so far, not just the current one.
    bool cumulative() const;
    QTreeWidget* passList() const { return m_passes; }
    QTreeWidget* stepList() const { return m_steps; }
    /// The options as the widgets show them.
    PipelineOptions options() const;
    /// The options a newly opened model starts with: the size limit and BatchNormalization
    /// choice the panel shows (the core defaults until the user or restoreOptions() changes them).
    PipelineOptions newModelOptions() const;
    /// True once options were applied or restored (they are then worth saving).
    bool optionsApplied() const { return m_applied; }
    double sizeLimitMB() const;
    bool skipFuseBn() const;
    /// Sets the option widgets from saved settings and makes them the options new models start with.
    void restoreOptions(double sizeLimitMB, bool skipFuseBn);
    /// Shows highlights for every step so far (true) or the current step only.
    void setCumulative(bool cumulative);
    /// What a step did on this model, as one example: the first value it folded as the expression
    /// it came from and its value ("Concat(Slice(Shape(x), [0], [1]), [64]) = [1, 64]"), else the
    /// first node it removed and what became of it; "" when it changed nothing drawable.
    static QString stepExample(const Step& step);
    /// The step details as shown (for tests).
    QString detailsText() const;
    /// Wide enough for the longest pass names beside the step numbers.
    QSize sizeHint() const override;

signals:
    /// The user picked a step in the list (index into pipeline steps, -1 for the original); the
    /// session has moved there.
    void stepActivated(int index);
    /// The cumulative toggle changed.
    void cumulativeChanged(bool cumulative);

public slots:
    /// Re-reads the session (after a step, back, reset, new model).
    void refresh();

private:
    // The constructor's parts: the Step/Back/Run/Reset/Cancel row, the two lists in the splitter,
    // the options box, and the session's signals.
    QLayout* buildActions();
    void buildStepList(QSplitter* split);
    void buildPassList(QSplitter* split);
    QGroupBox* buildOptions();
    void connectSession();
    void fillPasses();
    void showPassDescription(QTreeWidgetItem* item);
    void showStepDetails(QTreeWidgetItem* item);
    void applyOptions();

    SimplifySession* m_session;
    QAction* m_step;
    QAction* m_back;
    QAction* m_run;
    QAction* m_reset;
    QAction* m_cancel;
    QComboBox* m_scope;
    QTreeWidget* m_passes;
    QTreeWidget* m_steps;
    QTextBrowser* m_details;
    QDoubleSpinBox* m_sizeLimit;
    QLineEdit* m_shapes;
    QCheckBox* m_skipBn;
    QLabel* m_status;
    /// The last failure or cancel of a step, shown above the step count until the next run
    /// starts or another model is opened (m_noticeGeneration: the session's generation then).
    QString m_notice;
    quint64 m_noticeGeneration = 0;
    QProgressBar* m_progress;
    bool m_filling = false;
    bool m_applied = false;
};

/// Parses "name:1,3,224,224; other:1,10" into input shape overrides; throws Error on bad text.
std::vector<std::pair<std::string, std::vector<int64_t>>> parseShapeOverrides(const QString& text);

} // namespace netfold
