#pragma once
// Helpers for the UI tests (they link Qt Widgets; the rest of tests/support does not).
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

} // namespace netfold::test
