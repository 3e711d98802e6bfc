// EXPECT_INPUT_ERROR(statement, prefix): the statement throws recur::InputError
// whose one-line message starts with `prefix` ("FILE:LINE[:COLUMN]: what").
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "recur/input_error.h"

#define EXPECT_INPUT_ERROR(statement, prefix)                                                         \
  do {                                                                                               \
    try {                                                                                            \
      statement;                                                                                     \
      ADD_FAILURE() << "no InputError from: " #statement;                                            \
    } catch (const ::recur::InputError& error_) {                                                    \
      const std::string message_ = error_.what();                                                    \
      EXPECT_EQ(message_.substr(0, std::string(prefix).size()), std::string(prefix)) << message_;    \
      EXPECT_EQ(message_.find('\n'), std::string::npos) << "not one line: " << message_;             \
    }                                                                                                \
  } while (0)
