#include "TensorTableModel.h"

#include "model/DataType.h"

#include <QColor>
#include <QStringList>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace netfold {

namespace {

template <class T>
T load(const Tensor& t, int64_t i)
{
    T v;
    std::memcpy(&v, t.bytes().data() + static_cast<std::size_t>(i) * sizeof(T), sizeof(T));
    return v;
}

QString special(double v)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    return v > 0 ? QStringLiteral("Inf") : QStringLiteral("-Inf");
}

template <class T>
QString shortest(T v)
{
    if (!std::isfinite(v))
        return special(static_cast<double>(v));
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return QString::fromLatin1(buf, static_cast<int>(r.ptr - buf));
}

/// Shortest %g form (up to maxDigits) that converts back to the same 16-bit pattern.
QString shortest16(uint16_t bits, float value, int maxDigits, uint16_t (*encode)(float))
{
    if (!std::isfinite(value))
        return special(static_cast<double>(value));
    // Exponent notation only outside [1e-4, 1e6): 65504 rather than 6.55e+04.
    const float mag = std::fabs(value);
    const bool positional = mag >= 1e-4f && mag < 1e6f;
    char buf[64];
    for (int p = 1; p <= maxDigits; ++p) {
        std::snprintf(buf, sizeof buf, "%.*g", p, static_cast<double>(value));
        if (encode(std::strtof(buf, nullptr)) == bits && !(positional && std::strchr(buf, 'e')))
            return QString::fromLatin1(buf);
    }
    if (positional && value == std::trunc(value))
        std::snprintf(buf, sizeof buf, "%.0f", static_cast<double>(value));
    return QString::fromLatin1(buf);
}

bool isSpecialOrZero(const Tensor& t, int64_t flat, bool* special)
{
    if (!isFloatType(t.dtype()) && !isIntegerType(t.dtype()) && t.dtype() != dtype::Bool && !isLowPrecisionType(t.dtype()))
        return false;
    const double v = t.at(flat);
    *special = !std::isfinite(v);
    return *special || v == 0;
}

} // namespace

TensorTableModel::TensorTableModel(QObject* parent) : QAbstractTableModel(parent) {}

QString TensorTableModel::formatElement(const Tensor& t, int64_t flat)
{
    if (t.readsFromFile() && !t.isDecoded()) {
        // A weight in an external file: read this element from there, never decode it all.
        const std::size_t es = dtypeSize(t.dtype());
        Bytes b(es);
        try {
            t.readBytes(static_cast<std::size_t>(flat) * es, es, b.data());
        } catch (const std::exception&) {
            return QStringLiteral("?");
        }
        return formatElement(Tensor(t.dtype(), {}, std::move(b)), 0);
    }
    switch (t.dtype()) {
    case dtype::Float: return shortest(load<float>(t, flat));
    case dtype::Double: return shortest(load<double>(t, flat));
    case dtype::Float16: {
        const auto b = load<uint16_t>(t, flat);
        return shortest16(b, halfToFloat(b), 5, &floatToHalf);
    }
    case dtype::BFloat16: {
        const auto b = load<uint16_t>(t, flat);
        return shortest16(b, bfloat16ToFloat(b), 4, &floatToBfloat16);
    }
    case dtype::Int8: return QString::number(load<int8_t>(t, flat));
    case dtype::UInt8: return QString::number(load<uint8_t>(t, flat));
    case dtype::Int16: return QString::number(load<int16_t>(t, flat));
    case dtype::UInt16: return QString::number(load<uint16_t>(t, flat));
    case dtype::Int32: return QString::number(load<int32_t>(t, flat));
    case dtype::UInt32: return QString::number(load<uint32_t>(t, flat));
    case dtype::Int64: return QString::number(static_cast<qlonglong>(load<int64_t>(t, flat)));
    case dtype::UInt64: return QString::number(static_cast<qulonglong>(load<uint64_t>(t, flat)));
    case dtype::Bool: return load<uint8_t>(t, flat) ? QStringLiteral("true") : QStringLiteral("false");
    case dtype::String: return QString::fromStdString(t.strings()[static_cast<std::size_t>(flat)]);
    case dtype::Int4: case dtype::UInt4: return QString::number(t.intAt(flat));
    case dtype::Float8E4M3FN: case dtype::Float8E4M3FNUZ: case dtype::Float8E5M2: case dtype::Float8E5M2FNUZ:
    case dtype::Float4E2M1: {
        // Every value of these types is exact in a float's shortest form.
        const double v = t.at(flat);
        return std::isnan(v) ? QStringLiteral("nan") : shortest(static_cast<float>(v));
    }
    default: return QStringLiteral("?");
    }
}

namespace {
constexpr int64_t kWindowElements = 4096;
constexpr std::size_t kMaxWindows = 64;
} // namespace

bool TensorTableModel::readsWindows() const { return m_tensor && m_tensor->readsFromFile() && !m_tensor->isDecoded(); }

TensorPtr TensorTableModel::windowElement(int64_t flat) const
{
    const std::size_t es = dtypeSize(m_tensor->dtype());
    const int64_t w = flat / kWindowElements;
    auto it = m_windows.find(w);
    if (it == m_windows.end()) {
        if (m_windows.size() >= kMaxWindows)
            m_windows.clear();
        const int64_t first = w * kWindowElements;
        const int64_t count = std::min(kWindowElements, m_tensor->numel() - first);
        Bytes bytes(static_cast<std::size_t>(count) * es);
        try {
            m_tensor->readBytes(static_cast<std::size_t>(first) * es, bytes.size(), bytes.data());
        } catch (const std::exception&) {
            return nullptr;
        }
        it = m_windows.emplace(w, std::move(bytes)).first;
    }
    const uint8_t* p = it->second.data() + static_cast<std::size_t>(flat - w * kWindowElements) * es;
    return std::make_shared<const Tensor>(m_tensor->dtype(), std::vector<int64_t>{}, Bytes(p, p + es));
}

QString TensorTableModel::elementText(int64_t flat) const
{
    if (!readsWindows())
        return formatElement(*m_tensor, flat);
    const TensorPtr e = windowElement(flat);
    return e ? formatElement(*e, 0) : QStringLiteral("?");
}

void TensorTableModel::setTensor(TensorPtr tensor, bool valuesReady)
{
    beginResetModel();
    m_windows.clear();
    m_tensor = std::move(tensor);
    m_ready = valuesReady && m_tensor;
    const int rank = m_tensor ? static_cast<int>(m_tensor->rank()) : 0;
    m_slice.assign(static_cast<std::size_t>(rank), 0);
    m_strides.assign(static_cast<std::size_t>(rank), 1);
    for (int k = rank - 2; k >= 0; --k)
        m_strides[static_cast<std::size_t>(k)] = m_strides[static_cast<std::size_t>(k) + 1] * m_tensor->dims()[static_cast<std::size_t>(k) + 1];
    m_rowAxis = rank >= 2 ? rank - 2 : rank == 1 ? 0 : -1;
    m_columnAxis = rank >= 2 ? rank - 1 : -1;
    m_wrap = rank == 1 && m_tensor->dims()[0] > 1024 ? 16 : 1;
    recompute();
    endResetModel();
}

void TensorTableModel::setValuesReady(bool ready)
{
    ready = ready && m_tensor;
    if (ready == m_ready)
        return;
    m_ready = ready;
    if (m_rows > 0 && m_columns > 0)
        emit dataChanged(index(0, 0), index(m_rows - 1, m_columns - 1));
}

void TensorTableModel::setAxes(int rowAxis, int columnAxis)
{
    const int rank = m_tensor ? static_cast<int>(m_tensor->rank()) : 0;
    rowAxis = rowAxis >= 0 && rowAxis < rank ? rowAxis : -1;
    columnAxis = columnAxis >= 0 && columnAxis < rank && columnAxis != rowAxis ? columnAxis : -1;
    if (rowAxis == m_rowAxis && columnAxis == m_columnAxis)
        return;
    beginResetModel();
    m_rowAxis = rowAxis;
    m_columnAxis = columnAxis;
    recompute();
    endResetModel();
}

void TensorTableModel::setSliceIndex(int axis, int64_t value)
{
    if (axis < 0 || axis >= static_cast<int>(m_slice.size()))
        return;
    const int64_t dim = m_tensor->dims()[static_cast<std::size_t>(axis)];
    value = std::clamp<int64_t>(value, 0, std::max<int64_t>(0, dim - 1));
    if (m_slice[static_cast<std::size_t>(axis)] == value)
        return;
    m_slice[static_cast<std::size_t>(axis)] = value;
    recompute();
    if (m_rows > 0 && m_columns > 0)
        emit dataChanged(index(0, 0), index(m_rows - 1, m_columns - 1));
}

int64_t TensorTableModel::sliceIndex(int axis) const
{
    return axis >= 0 && axis < static_cast<int>(m_slice.size()) ? m_slice[static_cast<std::size_t>(axis)] : 0;
}

void TensorTableModel::setWrap(int columns)
{
    columns = std::max(1, columns);
    if (columns == m_wrap)
        return;
    beginResetModel();
    m_wrap = columns;
    recompute();
    endResetModel();
}

int64_t TensorTableModel::rowExtent() const
{
    return m_rowAxis >= 0 ? m_tensor->dims()[static_cast<std::size_t>(m_rowAxis)] : 1;
}

void TensorTableModel::recompute()
{
    m_rows = m_columns = 0;
    m_truncated = false;
    m_sliceOffset = 0;
    if (!m_tensor)
        return;
    const auto& dims = m_tensor->dims();
    bool empty = false;
    for (std::size_t k = 0; k < dims.size(); ++k) {
        if (dims[k] == 0)
            empty = true;
        if (static_cast<int>(k) != m_rowAxis && static_cast<int>(k) != m_columnAxis)
            m_sliceOffset += m_slice[k] * m_strides[k];
    }
    if (empty)
        return;
    int64_t rows = rowExtent();
    int64_t columns = m_columnAxis >= 0 ? dims[static_cast<std::size_t>(m_columnAxis)] : 1;
    if (m_columnAxis < 0 && m_rowAxis >= 0 && m_wrap > 1) {
        columns = std::min<int64_t>(m_wrap, rows);
        rows = (rows + m_wrap - 1) / m_wrap;
    }
    m_truncated = rows > kMaxRows || columns > kMaxColumns;
    m_rows = static_cast<int>(std::min(rows, kMaxRows));
    m_columns = static_cast<int>(std::min(columns, kMaxColumns));
}

int64_t TensorTableModel::flatIndex(int row, int column) const
{
    if (!m_tensor || row < 0 || column < 0 || row >= m_rows || column >= m_columns)
        return -1;
    if (m_columnAxis < 0 && m_rowAxis >= 0 && m_wrap > 1) {
        const int64_t i = static_cast<int64_t>(row) * m_wrap + column;
        if (i >= rowExtent())
            return -1;
        return m_sliceOffset + i * m_strides[static_cast<std::size_t>(m_rowAxis)];
    }
    int64_t flat = m_sliceOffset;
    if (m_rowAxis >= 0)
        flat += row * m_strides[static_cast<std::size_t>(m_rowAxis)];
    if (m_columnAxis >= 0)
        flat += column * m_strides[static_cast<std::size_t>(m_columnAxis)];
    return flat;
}

std::vector<int64_t> TensorTableModel::elementIndex(int row, int column) const
{
    std::vector<int64_t> idx;
    int64_t flat = flatIndex(row, column);
    if (flat < 0)
        return idx;
    idx.resize(m_strides.size());
    for (std::size_t k = 0; k < m_strides.size(); ++k) {
        idx[k] = flat / m_strides[k];
        flat %= m_strides[k];
    }
    return idx;
}

QString TensorTableModel::cellText(int row, int column) const
{
    const int64_t flat = flatIndex(row, column);
    if (flat < 0 || !m_ready)
        return {};
    return elementText(flat);
}

QString TensorTableModel::selectionText(const QItemSelection& selection) const
{
    if (!m_ready || selection.isEmpty())
        return {};
    int top = m_rows, left = m_columns, bottom = -1, right = -1;
    int64_t cells = 0;
    for (const QItemSelectionRange& r : selection) {
        top = std::min(top, r.top());
        left = std::min(left, r.left());
        bottom = std::max(bottom, r.bottom());
        right = std::max(right, r.right());
        cells += static_cast<int64_t>(r.height()) * r.width();
    }
    const int64_t box = static_cast<int64_t>(bottom - top + 1) * (right - left + 1);
    if (bottom < top || right < left || box > kMaxCopyCells || cells > kMaxCopyCells)
        return {};
    const bool whole = selection.size() == 1;
    QString out;
    for (int r = top; r <= bottom; ++r) {
        QStringList line;
        for (int c = left; c <= right; ++c)
            line << (whole || selection.contains(index(r, c)) ? cellText(r, c) : QString());
        out += line.join('\t');
        out += '\n';
    }
    return out;
}

int TensorTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : m_rows; }

int TensorTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : m_columns; }

QVariant TensorTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const int64_t flat = flatIndex(index.row(), index.column());
    if (flat < 0)
        return {};
    const bool text = m_tensor->dtype() == dtype::String;
    switch (role) {
    case Qt::DisplayRole: {
        if (!m_ready)
            return QStringLiteral("\u2026");
        QString s = elementText(flat);
        if (s.size() > 200)
            s = s.left(200) + QChar(0x2026);
        return s;
    }
    case Qt::ToolTipRole: {
        QStringList idx;
        for (int64_t i : elementIndex(index.row(), index.column()))
            idx << QString::number(i);
        QString tip = "[" + idx.join(", ") + "]";
        if (m_ready)
            tip += " = " + elementText(flat).toHtmlEscaped();
        return tip;
    }
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(Qt::Alignment((text ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter));
    case Qt::ForegroundRole: {
        bool odd = false;
        if (!m_ready || text)
            return {};
        const TensorPtr e = readsWindows() ? windowElement(flat) : nullptr;
        if ((readsWindows() && !e) || !isSpecialOrZero(e ? *e : *m_tensor, e ? 0 : flat, &odd))
            return {};
        return odd ? QColor(0xc0, 0x39, 0x2b) : QColor(0x99, 0x99, 0x99);
    }
    case ValueRole: {
        if (!m_ready || text || !isDecodableType(m_tensor->dtype()))
            return {};
        if (!readsWindows())
            return m_tensor->at(flat);
        const TensorPtr e = windowElement(flat);
        return e ? QVariant(e->at(0)) : QVariant();
    }
    case FlatIndexRole: return static_cast<qlonglong>(flat);
    default: return {};
    }
}

QVariant TensorTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    const bool wrapped = m_columnAxis < 0 && m_rowAxis >= 0 && m_wrap > 1;
    if (role == Qt::ToolTipRole) {
        if (wrapped)
            return orientation == Qt::Vertical ? tr("Index along axis %1").arg(m_rowAxis) : tr("Offset within the row");
        const int axis = orientation == Qt::Vertical ? m_rowAxis : m_columnAxis;
        return axis >= 0 ? tr("Axis %1").arg(axis) : QVariant();
    }
    if (orientation == Qt::Vertical) {
        if (wrapped)
            return QString::number(static_cast<qlonglong>(section) * m_wrap);
        return m_rowAxis >= 0 ? QString::number(section) : QString();
    }
    if (wrapped)
        return "+" + QString::number(section);
    return m_columnAxis >= 0 ? QString::number(section) : (m_rowAxis >= 0 ? tr("value") : QString());
}

} // namespace netfold
