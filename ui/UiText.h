#pragma once
#include <QString>

namespace netfold {

/// "1 node", "3 nodes": a count with the singular or the plural noun (Qt's %n plurals need a
/// loaded translation, and netfold ships none).
inline QString countOf(qint64 n, const QString& one, const QString& many)
{
    return QString::number(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

} // namespace netfold
