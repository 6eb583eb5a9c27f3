#pragma once
#include "model/Graph.h"

#include <QCoreApplication>
#include <QString>

namespace netfold {

/// "1 node", "3 nodes": a count with the singular or the plural noun (Qt's %n plurals need a
/// loaded translation, and netfold ships none).
inline QString countOf(qint64 n, const QString& one, const QString& many)
{
    return QString::number(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

/// A graph's node count with the nodes in its If/Loop/Scan bodies: "15 nodes", or "2 nodes
/// (50 with bodies)" where they differ.
inline QString nodeCountText(const Graph& g)
{
    const qint64 top = qint64(g.nodes.size());
    const qint64 total = qint64(g.totalNodeCount());
    QString text = countOf(top, QCoreApplication::translate("netfold", "node"), QCoreApplication::translate("netfold", "nodes"));
    if (total != top)
        text += QCoreApplication::translate("netfold", " (%1 with bodies)").arg(total);
    return text;
}

/// The short form for table cells: "15", or "2 (50)".
inline QString nodeCountCell(const Graph& g)
{
    const qint64 top = qint64(g.nodes.size());
    const qint64 total = qint64(g.totalNodeCount());
    return total == top ? QString::number(top) : QStringLiteral("%1 (%2)").arg(top).arg(total);
}

} // namespace netfold
