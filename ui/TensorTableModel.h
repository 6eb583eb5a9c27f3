#pragma once
#include "model/Tensor.h"

#include <QAbstractTableModel>
#include <QItemSelection>

#include <map>
#include <vector>

namespace netfold {

/// A 2-D window onto a tensor of any rank for a QTableView: one axis runs down the rows, one
/// across the columns, and every other axis is fixed at a chosen index (a slice). Values are
/// read lazily: data() converts only the cells the view asks for. Until setValuesReady(true)
/// (the tensor is decoded, e.g. by a background job) cells show a placeholder and the model
/// never touches the tensor's data. A weight that sits in an external data file is never
/// decoded here: cells read small windows of it from the file (a few kept), so a 1 GB
/// initializer costs what is on screen.
class TensorTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    /// More rows or columns than these are not shown (the view says so); slice to see the rest.
    static constexpr int64_t kMaxRows = 1000000;
    static constexpr int64_t kMaxColumns = 100000;
    /// Selections with more cells than this are not copied.
    static constexpr int64_t kMaxCopyCells = 4000000;
    /// Extra roles: the value as double (numeric dtypes) and the flat element index.
    enum Role { ValueRole = Qt::UserRole + 1, FlatIndexRole };

    explicit TensorTableModel(QObject* parent = nullptr);

    /// Shows a tensor (nullptr for none) with the default axes: the last two axes as rows and
    /// columns, every other axis at index 0.
    void setTensor(TensorPtr tensor, bool valuesReady);
    TensorPtr tensor() const { return m_tensor; }
    /// Whether data() may read the tensor's values (they are decoded).
    void setValuesReady(bool ready);
    bool valuesReady() const { return m_ready; }

    /// Chooses the axes shown; -1 for none. Equal axes are not allowed (the column axis drops to -1).
    void setAxes(int rowAxis, int columnAxis);
    int rowAxis() const { return m_rowAxis; }
    int columnAxis() const { return m_columnAxis; }
    /// Sets the index of an axis that is neither the row nor the column axis (clamped to its size).
    void setSliceIndex(int axis, int64_t index);
    int64_t sliceIndex(int axis) const;
    /// With no column axis, lays the row axis out over this many columns (1 = one column).
    void setWrap(int columns);
    int wrap() const { return m_wrap; }
    /// True when the rows or columns were cut at kMaxRows / kMaxColumns.
    bool truncated() const { return m_truncated; }

    /// Flat (row-major) element index of a cell, or -1 for a cell past the end.
    int64_t flatIndex(int row, int column) const;
    /// The full index of a cell's element, one entry per axis.
    std::vector<int64_t> elementIndex(int row, int column) const;
    /// A cell's text as shown ("" past the end or while values are not ready).
    QString cellText(int row, int column) const;
    /// Tab-separated rows of the selection's bounding rectangle (unselected cells empty),
    /// or a null QString when it has more than kMaxCopyCells cells or values are not ready.
    QString selectionText(const QItemSelection& selection) const;

    /// Element flat of a tensor as text (a weight in an external file: read from there, "?" when
    /// unreadable): shortest round-trip form for floats, exact
    /// integers, true/false, the string itself.
    static QString formatElement(const Tensor& tensor, int64_t flat);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void recompute();
    int64_t rowExtent() const;
    /// True when values are read from the tensor's external file window by window.
    bool readsWindows() const;
    /// Element flat of a readsWindows() tensor as a one-element tensor, or nullptr when the file
    /// cannot be read.
    TensorPtr windowElement(int64_t flat) const;
    QString elementText(int64_t flat) const;

    TensorPtr m_tensor;
    bool m_ready = false;
    int m_rowAxis = -1;
    int m_columnAxis = -1;
    int m_wrap = 1;
    std::vector<int64_t> m_slice;
    std::vector<int64_t> m_strides;
    int64_t m_sliceOffset = 0;
    int m_rows = 0;
    int m_columns = 0;
    bool m_truncated = false;
    /// Windows of a readsWindows() tensor's bytes by window number (a few at a time).
    mutable std::map<int64_t, Bytes> m_windows;
};

} // namespace netfold
