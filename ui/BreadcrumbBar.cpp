#include "BreadcrumbBar.h"

#include "Palette.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace netfold {

BreadcrumbBar::BreadcrumbBar(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("breadcrumbs"));
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(6, 2, 6, 2);
    m_up = new QToolButton(this);
    m_up->setText(tr("\u2191 Up"));
    m_up->setToolTip(tr("The enclosing graph (Alt+Up)"));
    m_up->setAutoRaise(true);
    connect(m_up, &QToolButton::clicked, this, [this] { activate(int(m_crumbs.size()) - 2); });
    row->addWidget(m_up);
    m_label = new QLabel(this);
    m_label->setTextFormat(Qt::RichText);
    m_label->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    connect(m_label, &QLabel::linkActivated, this, [this](const QString& href) { activate(href.toInt()); });
    row->addWidget(m_label, 1);
    setStyleSheet(QStringLiteral("netfold--BreadcrumbBar { background: %1; border-bottom: 1px solid %2; }")
                      .arg(themed("#fff8e6", "#3a3322"), themed("#e0d3a8", "#5c4a1a")));
    setAttribute(Qt::WA_StyledBackground);
    hide();
}

QString BreadcrumbBar::stepText(const Graph& holder, const GraphPathStep& step)
{
    const Node* n = holder.findNode(step.node);
    const QString node = n ? QStringLiteral("%1 (%2)").arg(QString::fromStdString(n->label()), QString::fromStdString(n->opType))
                           : tr("node %1").arg(step.node);
    return node + QStringLiteral(" \u00B7 ") + QString::fromStdString(step.attribute);
}

void BreadcrumbBar::setPath(const Graph& top, const GraphPath& path, const QString& root)
{
    m_crumbs = {root};
    const Graph* g = &top;
    for (std::size_t i = 0; i < path.size() && g; ++i) {
        m_crumbs << stepText(*g, path[i]);
        g = resolvePath(*g, GraphPath{path[i]});
    }
    QStringList html;
    for (int i = 0; i < m_crumbs.size(); ++i) {
        const QString text = m_crumbs[i].toHtmlEscaped();
        html << (i + 1 < m_crumbs.size() ? QStringLiteral("<a href=\"%1\">%2</a>").arg(i).arg(text)
                                         : QStringLiteral("<b>%1</b>").arg(text));
    }
    m_label->setText(html.join(QStringLiteral(" &nbsp;\u203A&nbsp; ")));
    setVisible(m_crumbs.size() > 1);
}

void BreadcrumbBar::activate(int depth)
{
    if (depth >= 0 && depth + 1 < m_crumbs.size())
        emit crumbActivated(depth);
}

} // namespace netfold
