#pragma once
#include <QWidget>

#include <cstdint>
#include <vector>

namespace netfold {

/// A histogram of equal-width bins over [lo, hi], painted as bars, with the range and the
/// largest count as labels; hovering a bar shows its interval and count. Without data it shows
/// a message ("Computing…", "No finite values").
class HistogramWidget : public QWidget {
    Q_OBJECT
public:
    explicit HistogramWidget(QWidget* parent = nullptr);

    /// Shows counts of bins spanning [lo, hi].
    void setHistogram(std::vector<int64_t> counts, double lo, double hi);
    /// Removes the bars and shows a message instead.
    void setMessage(const QString& message);
    void clear() { setMessage({}); }
    /// Bar heights on a log scale (log(1 + count)); toggled from the context menu too.
    void setLogScale(bool on);
    bool logScale() const { return m_log; }

    const std::vector<int64_t>& counts() const { return m_counts; }
    double lo() const { return m_lo; }
    double hi() const { return m_hi; }
    QString message() const { return m_message; }
    /// The bin under a point in widget coordinates, or -1.
    int binAt(const QPoint& pos) const;

    QSize sizeHint() const override { return {280, 130}; }
    QSize minimumSizeHint() const override { return {120, 80}; }

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    QRectF plotRect() const;

    std::vector<int64_t> m_counts;
    double m_lo = 0;
    double m_hi = 0;
    QString m_message;
    bool m_log = false;
    int m_hover = -1;
};

} // namespace netfold
