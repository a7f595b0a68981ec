# SPDX-License-Identifier: Apache-2.0
# The BLE client side (libprov's BleScanner/BleTransport, provctl --transport ble) against prov-sim's
# fake org.bluez on a private dbus-daemon per executable (privatebus.h, from fake.cmake).
prov_add_test(tst_gattmapping SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_gattmapping.cpp LABELS unit TIMEOUT 30)

if(TARGET prov_test_privatebus)
    foreach(name tst_blescanner tst_bletransport tst_ble_e2e tst_ble_provctl)
        if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/${name}.cpp)
            prov_add_test(${name} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${name}.cpp ${CMAKE_CURRENT_LIST_DIR}/bletesthelpers.h
                LABELS ble TIMEOUT 60 LIBS prov_test_privatebus)
        endif()
    endforeach()
endif()
