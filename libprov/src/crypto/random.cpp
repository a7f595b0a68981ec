// SPDX-License-Identifier: Apache-2.0
#include "prov/random.h"
#include "crypto/crypto.h"

namespace prov {

namespace {

/// RAND_bytes behind the RandomSource interface. Stateless, hence thread-safe.
class SystemRandom final : public RandomSource
{
public:
    QByteArray bytes(int size) override { return crypto::systemRandomBytes(size); }
};

} // namespace

std::shared_ptr<RandomSource> systemRandom()
{
    static const std::shared_ptr<RandomSource> instance = std::make_shared<SystemRandom>();
    return instance;
}

} // namespace prov
