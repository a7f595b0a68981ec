// SPDX-License-Identifier: Apache-2.0
// The QML fakes the page tests use (qml/Fake*.qml) against the real controllers' meta-objects:
// every property (name and type), invokable method (name and parameter count) and signal that is
// not a property's change notification must exist on both sides, so a page that passes against a
// fake uses the same interface as against the real controller. A fake may add test bookkeeping
// (call counters, the last arguments) only under the names listed here.
//
// Types: the same meta type, or what QML declares for it: `int` for a C++ enum (QML enum values are
// numbers), `QtObject` for any QObject pointer, `var` for a list or map (Qt 6.4 QML declares no
// typed list of strings or numbers).
#include "devices/qrsource.h"
#include "devices/wifisource.h"
#include "labels/labelcontroller.h"
#include "line/linecontroller.h"
#include "session/devicecontroller.h"
#include "session/devicesession.h"
#include "session/wifiscanmodel.h"
#include "settings/settingscontroller.h"
#include "workstation.h"

#include <QAbstractItemModel>
#include <QMetaMethod>
#include <QMetaProperty>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QSet>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

#include <memory>

Q_IMPORT_QML_PLUGIN(Prov_WorkstationPlugin)

namespace {

bool compatible(QMetaType real, QMetaType fake)
{
    if (real == fake)
        return true;
    if (real.flags() & QMetaType::IsEnumeration)
        return fake == QMetaType::fromType<int>();
    if (real.flags() & QMetaType::PointerToQObject)
        return (fake.flags() & QMetaType::PointerToQObject) != 0;
    if (real == QMetaType::fromType<QStringList>() || real == QMetaType::fromType<QList<int>>()
        || real == QMetaType::fromType<QVariantList>() || real == QMetaType::fromType<QVariantMap>())
        return fake == QMetaType::fromType<QVariant>();
    return false;
}

QString typeName(QMetaType type)
{
    return QString::fromLatin1(type.name() ? type.name() : "?");
}

/// Names of the notify signals of `mo`'s properties from `offset` on.
/// The change notifications ("...Changed") of the properties: QML binds to the property instead.
/// A notify signal named like an event (scanFinished, accepted) is interface a page may handle
/// (onScanFinished), so a fake must declare it.
QSet<QByteArray> notifySignals(const QMetaObject *mo, int offset)
{
    QSet<QByteArray> out;
    for (int i = offset; i < mo->propertyCount(); ++i) {
        const QMetaProperty p = mo->property(i);
        if (p.hasNotifySignal() && p.notifySignal().name().endsWith("Changed"))
            out.insert(p.notifySignal().name());
    }
    return out;
}

/// The real class's invokable methods and slots (public) from its own part, and its signals, by name;
/// the value is the largest parameter count (a default argument adds a shorter overload).
struct Methods
{
    QHash<QByteArray, QMetaMethod> functions;
    QHash<QByteArray, QMetaMethod> signalList;
};

Methods ownMethods(const QMetaObject *mo, int offset, const QSet<QByteArray> &notify)
{
    Methods out;
    for (int i = offset; i < mo->methodCount(); ++i) {
        const QMetaMethod m = mo->method(i);
        if (m.access() != QMetaMethod::Public)
            continue;
        QHash<QByteArray, QMetaMethod> &into = m.methodType() == QMetaMethod::Signal ? out.signalList
                                                                                     : out.functions;
        if (m.methodType() == QMetaMethod::Signal && notify.contains(m.name()))
            continue;
        if (m.methodType() == QMetaMethod::Constructor)
            continue;
        const auto it = into.constFind(m.name());
        if (it == into.constEnd() || it->parameterCount() < m.parameterCount())
            into.insert(m.name(), m);
    }
    return out;
}

} // namespace

class TestFakeInterfaces : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void fakeMatchesReal_data();
    void fakeMatchesReal();
    void scanFakeHasTheModelRoles();
    void lineFakeModelsHaveTheRoles();

private:
    std::unique_ptr<QObject> load(const QString &file);

    QQmlEngine m_engine;
};

void TestFakeInterfaces::initTestCase()
{
    Workstation::prepareEngine(&m_engine);
}

std::unique_ptr<QObject> TestFakeInterfaces::load(const QString &file)
{
    QQmlComponent component(&m_engine, QUrl::fromLocalFile(QStringLiteral(FAKES_DIR "/") + file));
    std::unique_ptr<QObject> object(component.create());
    if (!object)
        qWarning().noquote() << component.errorString();
    return object;
}

void TestFakeInterfaces::fakeMatchesReal_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<const QMetaObject *>("real");
    QTest::addColumn<QStringList>("bookkeeping");

    QTest::newRow("DeviceSession") << QStringLiteral("FakeSession.qml") << &DeviceSession::staticMetaObject
                                   << QStringList { QStringLiteral("connectCalls"),
                                          QStringLiteral("scanCalls"), QStringLiteral("applyCalls"),
                                          QStringLiteral("lastSsid"), QStringLiteral("lastPassphrase"),
                                          QStringLiteral("lastAuthMode"), QStringLiteral("resetCalls"),
                                          QStringLiteral("reprovisionCalls"),
                                          QStringLiteral("clearErrorCalls"), QStringLiteral("lastCustom") };
    QTest::newRow("DeviceController")
        << QStringLiteral("FakeDeviceController.qml") << &DeviceController::staticMetaObject
        << QStringList { QStringLiteral("lastAddress") };
    QTest::newRow("LabelController") << QStringLiteral("FakeLabelController.qml")
                                     << &LabelController::staticMetaObject
                                     << QStringList { QStringLiteral("calls"), QStringLiteral("lastField") };
    QTest::newRow("LineController") << QStringLiteral("FakeLineController.qml")
                                    << &LineController::staticMetaObject
                                    << QStringList { QStringLiteral("startArgs"), QStringLiteral("calls"),
                                           QStringLiteral("lastKey") };
    QTest::newRow("QrSource") << QStringLiteral("FakeQrSource.qml") << &QrSource::staticMetaObject
                              << QStringList { QStringLiteral("submitted"),
                                     QStringLiteral("clipboardCalls") };
    QTest::newRow("SettingsController")
        << QStringLiteral("FakeSettings.qml") << &SettingsController::staticMetaObject << QStringList {};
    QTest::newRow("WifiSource") << QStringLiteral("FakeWifiSource.qml") << &WifiSource::staticMetaObject
                                << QStringList { QStringLiteral("toggleCalls") };
    QTest::newRow("WifiScanProxyModel")
        << QStringLiteral("FakeScanModel.qml") << &WifiScanProxyModel::staticMetaObject
        << QStringList { QStringLiteral("sortCalls") };
}

void TestFakeInterfaces::fakeMatchesReal()
{
    QFETCH(QString, file);
    QFETCH(const QMetaObject *, real);
    QFETCH(QStringList, bookkeeping);

    const std::unique_ptr<QObject> fakeObject = load(file);
    QVERIFY(fakeObject);
    const QMetaObject *fake = fakeObject->metaObject();
    // The fake's own part: what its QML file declares on top of its base (QtObject, ListModel).
    const int fakePropertyOffset = fake->superClass()->propertyCount();
    const int fakeMethodOffset = fake->superClass()->methodCount();
    QStringList problems;

    // ---- properties: every real one on the fake with a compatible type ...
    for (int i = real->propertyOffset(); i < real->propertyCount(); ++i) {
        const QMetaProperty p = real->property(i);
        const int j = fake->indexOfProperty(p.name());
        if (j < 0) {
            problems << QStringLiteral("property %1 (%2) missing")
                            .arg(QLatin1String(p.name()), typeName(p.metaType()));
            continue;
        }
        const QMetaProperty f = fake->property(j);
        if (!compatible(p.metaType(), f.metaType()))
            problems << QStringLiteral("property %1: %2 in C++, %3 in the fake")
                            .arg(QLatin1String(p.name()), typeName(p.metaType()), typeName(f.metaType()));
    }
    // ... and no fake property the real one lacks, but bookkeeping.
    for (int i = fakePropertyOffset; i < fake->propertyCount(); ++i) {
        const QByteArray name = fake->property(i).name();
        if (real->indexOfProperty(name) < 0 && !bookkeeping.contains(QString::fromLatin1(name)))
            problems << QStringLiteral("property %1 not in C++").arg(QLatin1String(name));
    }

    // ---- methods and signals (change notifications aside: QML binds to the property)
    const Methods realMethods = ownMethods(
        real, real->methodOffset(), notifySignals(real, real->propertyOffset()));
    const Methods fakeMethods = ownMethods(fake, fakeMethodOffset, notifySignals(fake, fakePropertyOffset));
    // A fake may declare a signal that is also a change notification in C++ (QrSource::accepted).
    const Methods realAll = ownMethods(real, real->methodOffset(), {});
    auto compare = [&](const QHash<QByteArray, QMetaMethod> &realSide,
                       const QHash<QByteArray, QMetaMethod> &fakeSide,
                       const QHash<QByteArray, QMetaMethod> &realAny, const QString &what,
                       bool onlyInvokable) {
        for (auto it = realSide.constBegin(); it != realSide.constEnd(); ++it) {
            const QMetaMethod &m = it.value();
            // Public C++ slots the pages cannot reach through the fake are not QML interface.
            if (onlyInvokable && m.methodType() == QMetaMethod::Slot)
                continue;
            const auto f = fakeSide.constFind(it.key());
            if (f == fakeSide.constEnd()) {
                problems
                    << QStringLiteral("%1 %2 missing").arg(what, QString::fromLatin1(m.methodSignature()));
                continue;
            }
            if (f->parameterCount() != m.parameterCount()) {
                problems << QStringLiteral("%1 %2: %3 parameters in the fake")
                                .arg(what, QString::fromLatin1(m.methodSignature()))
                                .arg(f->parameterCount());
                continue;
            }
            // QML functions take untyped (var) arguments; signals declare their types.
            for (int k = 0; k < m.parameterCount(); ++k) {
                if (f->parameterMetaType(k) != QMetaType::fromType<QVariant>()
                    && !compatible(m.parameterMetaType(k), f->parameterMetaType(k)))
                    problems << QStringLiteral("%1 %2: parameter %3 is %4 in the fake")
                                    .arg(what, QString::fromLatin1(m.methodSignature()))
                                    .arg(k)
                                    .arg(typeName(f->parameterMetaType(k)));
            }
        }
        for (auto it = fakeSide.constBegin(); it != fakeSide.constEnd(); ++it) {
            const auto r = realAny.constFind(it.key());
            if (r == realAny.constEnd())
                problems << QStringLiteral("%1 %2 not in C++")
                                .arg(what, QString::fromLatin1(it->methodSignature()));
            else if (r->parameterCount() != it->parameterCount())
                problems << QStringLiteral("%1 %2: %3 parameters in C++")
                                .arg(what, QString::fromLatin1(it->methodSignature()))
                                .arg(r->parameterCount());
        }
    };
    compare(realMethods.functions, fakeMethods.functions, realAll.functions, QStringLiteral("method"), true);
    compare(
        realMethods.signalList, fakeMethods.signalList, realAll.signalList, QStringLiteral("signal"), false);

    QVERIFY2(problems.isEmpty(),
        qPrintable(file + QStringLiteral(":\n  ") + problems.join(QStringLiteral("\n  "))));
}

void TestFakeInterfaces::scanFakeHasTheModelRoles()
{
    const std::unique_ptr<QObject> fakeObject = load(QStringLiteral("FakeScanModel.qml"));
    auto *fake = qobject_cast<QAbstractItemModel *>(fakeObject.get());
    QVERIFY(fake);
    WifiScanModel real;
    QSet<QByteArray> realRoles;
    for (const QByteArray &role : real.roleNames())
        realRoles.insert(role);
    QSet<QByteArray> fakeRoles;
    for (const QByteArray &role : fake->roleNames())
        fakeRoles.insert(role);
    realRoles.remove("display"); // Qt's default roles, not declared by the fake's elements
    realRoles.remove("decoration");
    realRoles.remove("edit");
    realRoles.remove("toolTip");
    realRoles.remove("statusTip");
    realRoles.remove("whatsThis");
    QCOMPARE(fakeRoles, realRoles);
}

void TestFakeInterfaces::lineFakeModelsHaveTheRoles()
{
    const std::unique_ptr<QObject> fake = load(QStringLiteral("FakeLineController.qml"));
    QVERIFY(fake);
    auto rolesOf = [](const QAbstractItemModel *model) {
        QSet<QByteArray> roles;
        if (model) {
            for (const QByteArray &role : model->roleNames())
                roles.insert(role);
        }
        roles.remove("display");
        roles.remove("decoration");
        roles.remove("edit");
        roles.remove("toolTip");
        roles.remove("statusTip");
        roles.remove("whatsThis");
        return roles;
    };
    auto fakeModel = [&fake](const char *name) {
        return qobject_cast<QAbstractItemModel *>(fake->property(name).value<QObject *>());
    };
    LaneListModel lanes;
    LineDeviceModel devices;
    QVERIFY(fakeModel("lanesModel"));
    QCOMPARE(rolesOf(fakeModel("lanesModel")), rolesOf(&lanes));
    QCOMPARE(rolesOf(fakeModel("devicesModel")), rolesOf(&devices));
    QCOMPARE(rolesOf(fakeModel("failedModel")), rolesOf(&devices));
}

QTEST_MAIN(TestFakeInterfaces)
#include "tst_fakeinterfaces.moc"
