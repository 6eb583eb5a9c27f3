#include "HistogramWidget.h"

#include <QContextMenuEvent>
#include <QLocale>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace netfold {

namespace {

const QColor kBar(0x5b, 0x8b, 0xc9);
const QColor kBarHover(0xe6, 0x7e, 0x22);

QString number(double v) { return QString::number(v, 'g', 4); }

} // namespace

HistogramWidget::HistogramWidget(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void HistogramWidget::setHistogram(std::vector<int64_t> counts, double lo, double hi)
{
    m_counts = std::move(counts);
    m_lo = lo;
    m_hi = hi;
    m_message.clear();
    m_hover = -1;
    update();
}

void HistogramWidget::setMessage(const QString& message)
{
    m_counts.clear();
    m_message = message;
    m_hover = -1;
    update();
}

void HistogramWidget::setLogScale(bool on)
{
    m_log = on;
    update();
}

QRectF HistogramWidget::plotRect() const
{
    const int line = fontMetrics().height();
    return QRectF(6, line + 4, std::max(1, width() - 12), std::max(1, height() - 2 * line - 10));
}

int HistogramWidget::binAt(const QPoint& pos) const
{
    if (m_counts.empty())
        return -1;
    const QRectF r = plotRect();
    if (pos.x() < r.left() || pos.x() >= r.right() || pos.y() < r.top() - 4 || pos.y() > r.bottom() + 2)
        return -1;
    const int bin = static_cast<int>((pos.x() - r.left()) / r.width() * static_cast<double>(m_counts.size()));
    return std::clamp(bin, 0, static_cast<int>(m_counts.size()) - 1);
}

void HistogramWidget::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    p.setFont(small);
    const QColor text = palette().color(QPalette::PlaceholderText);
    if (m_counts.empty()) {
        p.setPen(text);
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        return;
    }
    const QRectF r = plotRect();
    const int64_t top = *std::max_element(m_counts.begin(), m_counts.end());
    const double scale = m_log ? std::log1p(static_cast<double>(top)) : static_cast<double>(top);
    const double w = r.width() / static_cast<double>(m_counts.size());
    p.setRenderHint(QPainter::Antialiasing, false);
    for (std::size_t i = 0; i < m_counts.size(); ++i) {
        if (m_counts[i] == 0)
            continue;
        const double v = m_log ? std::log1p(static_cast<double>(m_counts[i])) : static_cast<double>(m_counts[i]);
        const double h = std::max(1.0, scale > 0 ? v / scale * r.height() : 0.0);
        const QRectF bar(r.left() + static_cast<double>(i) * w, r.bottom() - h, std::max(1.0, w - (w > 3 ? 1 : 0)), h);
        p.fillRect(bar, static_cast<int>(i) == m_hover ? kBarHover : kBar);
    }
    if (m_lo < 0 && m_hi > 0) {
        const double x = r.left() + (0 - m_lo) / (m_hi - m_lo) * r.width();
        p.setPen(QPen(text, 1, Qt::DashLine));
        p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()));
    }
    p.setPen(palette().color(QPalette::Mid));
    p.drawLine(QPointF(r.left(), r.bottom() + 0.5), QPointF(r.right(), r.bottom() + 0.5));

    p.setPen(text);
    const int line = p.fontMetrics().height();
    const QRectF below(r.left(), r.bottom() + 3, r.width(), line);
    p.drawText(below, Qt::AlignLeft | Qt::AlignTop, number(m_lo));
    p.drawText(below, Qt::AlignRight | Qt::AlignTop, number(m_hi));
    if (m_lo < 0 && m_hi > 0) {
        const double x = r.left() + (0 - m_lo) / (m_hi - m_lo) * r.width();
        const int zw = p.fontMetrics().horizontalAdvance("0");
        const int lw = p.fontMetrics().horizontalAdvance(number(m_lo));
        const int hw = p.fontMetrics().horizontalAdvance(number(m_hi));
        if (x - zw > r.left() + lw + 6 && x + zw < r.right() - hw - 6)
            p.drawText(QRectF(x - 20, below.top(), 40, line), Qt::AlignHCenter | Qt::AlignTop, "0");
    }
    const QRectF above(r.left(), 2, r.width(), line);
    p.drawText(above, Qt::AlignLeft | Qt::AlignVCenter, tr("max %1").arg(QLocale().toString(static_cast<qlonglong>(top))));
    p.drawText(above, Qt::AlignRight | Qt::AlignVCenter,
               tr("%1 bins%2").arg(m_counts.size()).arg(m_log ? tr(", log") : QString()));
}

void HistogramWidget::mouseMoveEvent(QMouseEvent* event)
{
    const int bin = binAt(event->position().toPoint());
    if (bin != m_hover) {
        m_hover = bin;
        update();
    }
    if (bin < 0) {
        QToolTip::hideText();
        return;
    }
    const double step = (m_hi - m_lo) / static_cast<double>(m_counts.size());
    const double a = m_lo + step * bin;
    const double b = bin + 1 == static_cast<int>(m_counts.size()) ? m_hi : m_lo + step * (bin + 1);
    const bool last = bin + 1 == static_cast<int>(m_counts.size());
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("[%1, %2%3: %4").arg(number(a), number(b), last ? "]" : ")",
                                               QLocale().toString(static_cast<qlonglong>(m_counts[static_cast<std::size_t>(bin)]))),
                       this);
}

void HistogramWidget::leaveEvent(QEvent*)
{
    if (m_hover >= 0) {
        m_hover = -1;
        update();
    }
}

void HistogramWidget::contextMenuEvent(QContextMenuEvent* event)
{
    QMenu menu(this);
    QAction* log = menu.addAction(tr("Logarithmic Scale"));
    log->setCheckable(true);
    log->setChecked(m_log);
    connect(log, &QAction::toggled, this, &HistogramWidget::setLogScale);
    menu.exec(event->globalPos());
}

} // namespace netfold
