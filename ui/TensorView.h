#pragma once
#include "model/Tensor.h"
#include "model/TensorStats.h"

#include <QFutureWatcher>
#include <QWidget>

#include <memory>

class QComboBox;
class QFormLayout;
class QGridLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;

/// Lets TensorPtr travel in signals (Inspector::tensorRequested) and QVariants.
Q_DECLARE_METATYPE(netfold::TensorPtr)

namespace netfold {

class HistogramWidget;
class TensorTableModel;

/// Shows one constant tensor (an initializer, a Constant's value, a tensor attribute): dtype,
/// shape, size and where it is stored; statistics and a histogram; and its values in a table
/// where two axes are shown and every other axis is sliced at a chosen index. Decoding and
/// statistics run off the GUI thread, so a large tensor opens at once and fills in later.
/// Use it embedded (a dock, a tab) or as a window through openWindow().
class TensorView : public QWidget {
    Q_OBJECT
public:
    explicit TensorView(QWidget* parent = nullptr);
    ~TensorView() override;

    /// Opens a top-level window (deleted on close) showing the tensor; name is its title.
    static TensorView* openWindow(TensorPtr tensor, const QString& name, QWidget* parent = nullptr);

    /// Shows a tensor (nullptr clears); starts decoding and statistics in the background and
    /// cancels those of the previous tensor.
    void setTensor(TensorPtr tensor, const QString& name = {});
    void clear() { setTensor(nullptr); }
    TensorPtr tensor() const { return m_tensor; }
    QString name() const { return m_name; }

    /// True once the values are decoded (the table shows them, copy and save work).
    bool valuesReady() const;
    /// True once the statistics of the current tensor are in; statistics() returns them.
    bool statisticsReady() const { return m_statsReady; }
    const TensorStats& statistics() const { return m_stats; }
    /// The error that stopped decoding (missing external file ...), or "".
    QString errorText() const { return m_error; }

    /// Chooses the axes shown as rows and columns (-1: none), as the combo boxes do.
    void setAxes(int rowAxis, int columnAxis);
    /// Sets the index of a sliced axis, as its spin box does.
    void setSliceIndex(int axis, int64_t index);
    /// Copies the table's selection (tab-separated, one line per row) to the clipboard and
    /// returns the text (null when nothing could be copied).
    QString copySelection();
    /// Writes the tensor as NPY 1.0 (bfloat16 widened to float32); false with error set on failure.
    bool saveNpy(const QString& path, QString* error = nullptr);

    TensorTableModel* tableModel() const { return m_model; }
    QTableView* tableView() const { return m_table; }
    HistogramWidget* histogram() const { return m_histogram; }

signals:
    /// The values are decoded and shown.
    void valuesAvailable();
    /// Statistics and histogram are shown (statistics() holds them).
    void statisticsFinished();
    /// Decoding failed (message as errorText()).
    void failed(const QString& message);

private:
    struct Result;
    void buildUi();
    void rebuildAxisControls();
    void onAxisCombo();
    void onWorkerProgress(int value);
    void onWorkerFinished();
    void markValuesReady();
    void showStatistics();
    void showInfo();
    void updateNotes();
    void chooseSaveFile();

    TensorPtr m_tensor;
    QString m_name;
    TensorStats m_stats;
    bool m_statsReady = false;
    QString m_error;
    std::unique_ptr<QFutureWatcher<std::shared_ptr<Result>>> m_watcher;

    QLabel* m_title = nullptr;
    QLabel* m_subtitle = nullptr;
    QFormLayout* m_info = nullptr;
    QFormLayout* m_statsForm = nullptr;
    QList<QLabel*> m_statLabels;
    QProgressBar* m_progress = nullptr;
    QLabel* m_statusLabel = nullptr;
    HistogramWidget* m_histogram = nullptr;
    QComboBox* m_rowCombo = nullptr;
    QComboBox* m_columnCombo = nullptr;
    QSpinBox* m_wrapSpin = nullptr;
    QLabel* m_wrapLabel = nullptr;
    QWidget* m_sliceBox = nullptr;
    QGridLayout* m_sliceLayout = nullptr;
    QList<QSpinBox*> m_sliceSpins;
    QLabel* m_note = nullptr;
    QTableView* m_table = nullptr;
    TensorTableModel* m_model = nullptr;
    QPushButton* m_copyButton = nullptr;
    QPushButton* m_saveButton = nullptr;
    bool m_updatingControls = false;
};

} // namespace netfold
