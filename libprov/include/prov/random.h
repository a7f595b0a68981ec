// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>

#include <memory>

namespace prov {

/// Source of random bytes for the security schemes and the device role. Production code uses
/// `systemRandom()` (OpenSSL RAND_bytes). Known-answer tests inject a source that replays the
/// recorded draws of shared/vectors.
class RandomSource
{
public:
    virtual ~RandomSource() = default;
    /// Returns exactly `size` random bytes. Never fails (OpenSSL failure aborts: no secure fallback).
    virtual QByteArray bytes(int size) = 0;
};

/// The process-wide cryptographically secure source (OpenSSL RAND_bytes). Thread-safe.
std::shared_ptr<RandomSource> systemRandom();

} // namespace prov
