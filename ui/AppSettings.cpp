#include "AppSettings.h"

#include "MainWindow.h"
#include "PassTimeline.h"

#include <QFileInfo>
#include <QSettings>
#include <QSplitter>

namespace netfold {

namespace {

constexpr int kStateVersion = 1;

/// The splitters whose positions are kept: those with an object name (the compare view's sides,
/// the pass timeline's lists).
QList<QSplitter*> namedSplitters(const MainWindow& window)
{
    QList<QSplitter*> out;
    for (QSplitter* s : window.findChildren<QSplitter*>())
        if (!s->objectName().isEmpty())
            out << s;
    return out;
}

} // namespace

void saveWindowSettings(const MainWindow& window, QSettings& settings)
{
    settings.beginGroup(QStringLiteral("window"));
    settings.setValue(QStringLiteral("geometry"), window.saveGeometry());
    settings.setValue(QStringLiteral("state"), window.saveState(kStateVersion));
    settings.beginGroup(QStringLiteral("splitters"));
    for (QSplitter* s : namedSplitters(window))
        settings.setValue(s->objectName(), s->saveState());
    settings.endGroup();
    settings.endGroup();

    if (const PassTimeline* t = window.timeline()) {
        settings.beginGroup(QStringLiteral("simplify"));
        settings.setValue(QStringLiteral("highlightAllSteps"), t->cumulative());
        if (t->optionsApplied()) {
            settings.setValue(QStringLiteral("sizeLimitMB"), t->sizeLimitMB());
            settings.setValue(QStringLiteral("skipFuseBn"), t->skipFuseBn());
        }
        settings.endGroup();
    }
}

void restoreWindowSettings(MainWindow& window, QSettings& settings)
{
    settings.beginGroup(QStringLiteral("window"));
    const QByteArray geometry = settings.value(QStringLiteral("geometry")).toByteArray();
    if (!geometry.isEmpty())
        window.restoreGeometry(geometry);
    const QByteArray state = settings.value(QStringLiteral("state")).toByteArray();
    if (!state.isEmpty())
        window.restoreState(state, kStateVersion);
    settings.beginGroup(QStringLiteral("splitters"));
    for (QSplitter* s : namedSplitters(window)) {
        const QByteArray saved = settings.value(s->objectName()).toByteArray();
        if (!saved.isEmpty())
            s->restoreState(saved);
    }
    settings.endGroup();
    settings.endGroup();

    if (PassTimeline* t = window.timeline()) {
        settings.beginGroup(QStringLiteral("simplify"));
        if (settings.contains(QStringLiteral("highlightAllSteps")))
            t->setCumulative(settings.value(QStringLiteral("highlightAllSteps")).toBool());
        bool ok = false;
        const double limit = settings.value(QStringLiteral("sizeLimitMB")).toDouble(&ok);
        if (ok && limit > 0)
            t->restoreOptions(limit, settings.value(QStringLiteral("skipFuseBn")).toBool());
        settings.endGroup();
    }
}

void resetSplitters(MainWindow& window)
{
    for (QSplitter* s : namedSplitters(window)) {
        const bool horizontal = s->orientation() == Qt::Horizontal;
        const int total = horizontal ? s->width() : s->height();
        QList<int> stretch;
        int sum = 0;
        for (int i = 0; i < s->count(); ++i) {
            const QSizePolicy p = s->widget(i)->sizePolicy();
            const int f = qMax(1, horizontal ? p.horizontalStretch() : p.verticalStretch());
            stretch << f;
            sum += f;
        }
        QList<int> sizes;
        for (int f : stretch)
            sizes << qMax(1, total * f / qMax(1, sum));
        s->setSizes(sizes);
    }
}

QString lastDirectory() { return QSettings().value(QStringLiteral("lastDirectory")).toString(); }

void rememberDirectory(const QString& path)
{
    const QFileInfo info(path);
    QSettings().setValue(QStringLiteral("lastDirectory"), info.isDir() ? info.absoluteFilePath() : info.absolutePath());
}

} // namespace netfold
