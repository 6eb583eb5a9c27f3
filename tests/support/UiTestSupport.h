#pragma once
// Helpers for the UI tests (they link Qt Widgets; the rest of tests/support does not).
#include <QApplication>
#include <QEvent>
#include <QMap>
#include <QStringList>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>

namespace netfold::test {

/// Gives a top-level widget a size, shows it and waits until it is on screen; false on timeout.
inline bool showExposed(QWidget& widget, int width, int height)
{
    widget.resize(width, height);
    widget.show();
    return QTest::qWaitForWindowExposed(&widget);
}

/// Shows a main window at a size, makes it the active window and opens a model in it; false when
/// any of that fails (the caller waits for the layouts it needs).
template <typename Window> bool showAndOpen(Window& window, const QString& path, int width, int height)
{
    if (!showExposed(window, width, height))
        return false;
    window.activateWindow();
    return QTest::qWaitForWindowActive(&window) && window.openFile(path);
}

/// Clicks the on-screen anchor whose href is href; false when the browser has no such anchor.
inline bool clickAnchor(QTextBrowser* browser, const QString& href)
{
    for (QTextBlock b = browser->document()->begin(); b.isValid(); b = b.next()) {
        for (auto it = b.begin(); !it.atEnd(); ++it) {
            const QTextFragment f = it.fragment();
            if (f.charFormat().anchorHref() != href)
                continue;
            QTextCursor c(browser->document());
            c.setPosition(f.position() + f.length() / 2);
            browser->ensureCursorVisible();
            browser->setTextCursor(c);
            browser->ensureCursorVisible();
            const QRect r = browser->cursorRect(c);
            QTest::mouseClick(browser->viewport(), Qt::LeftButton, {}, r.center());
            return true;
        }
    }
    return false;
}

/// Counts the show/hide/layout/paint events a busy GUI thread churns through (what the hang of
/// issue 9 looped on).
class EventCounter : public QObject {
public:
    int total = 0;
    QMap<QString, int> byKind;
    bool eventFilter(QObject* object, QEvent* event) override
    {
        switch (event->type()) {
        case QEvent::Show:
        case QEvent::Hide:
        case QEvent::LayoutRequest:
        case QEvent::Paint:
        case QEvent::UpdateRequest:
            ++total;
            ++byKind[QString("%1/%2 %3").arg(object->metaObject()->className(), object->objectName()).arg(int(event->type()))];
            break;
        default:
            break;
        }
        return false;
    }
    QString report() const
    {
        QStringList parts;
        for (auto it = byKind.begin(); it != byKind.end(); ++it)
            parts << QString("%1 x%2").arg(it.key()).arg(it.value());
        return QString("%1 events in 1 s: %2").arg(total).arg(parts.mid(0, 12).join(", "));
    }
};

/// At most this many show/hide/layout/paint events in a second counts as idle (a blinking text
/// cursor, a last repaint).
constexpr int kIdleMax = 8;

/// The event loop is idle within a second and stays so for one: "" or what it churned through.
inline QString idleProblem()
{
    QTest::qWait(1000);
    EventCounter counter;
    qApp->installEventFilter(&counter);
    QTest::qWait(1000);
    qApp->removeEventFilter(&counter);
    return counter.total <= kIdleMax ? QString() : counter.report();
}

} // namespace netfold::test
