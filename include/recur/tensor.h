// Tensor: a contiguous, row-major, owning n-dimensional array of float or double.
//
// Deliberately small: layers work on raw pointers with the shapes written
// beside them (the llm.c style); Tensor only owns memory and remembers a shape.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace recur {

using Shape = std::vector<int64_t>;

// Number of elements of a shape; the empty shape is a scalar (1 element).
int64_t shape_numel(const Shape& shape);
// "[2, 3, 4]", for error messages.
std::string shape_string(const Shape& shape);

template <typename T>
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(Shape shape, T fill_value = T(0))
      : shape_(std::move(shape)), data_(static_cast<size_t>(shape_numel(shape_)), fill_value) {}
  Tensor(std::initializer_list<int64_t> shape) : Tensor(Shape(shape)) {}

  const Shape& shape() const { return shape_; }
  size_t rank() const { return shape_.size(); }
  int64_t dim(size_t axis) const { return shape_.at(axis); }
  int64_t numel() const { return static_cast<int64_t>(data_.size()); }
  bool empty() const { return data_.empty(); }

  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  T& operator[](int64_t i) { return data_[static_cast<size_t>(i)]; }
  const T& operator[](int64_t i) const { return data_[static_cast<size_t>(i)]; }
  std::vector<T>& values() { return data_; }
  const std::vector<T>& values() const { return data_; }

  // Changes the shape, keeping capacity: growing allocates, shrinking never
  // frees, so a workspace resized to the same shape each step costs nothing.
  // New elements are zero; kept elements keep their values.
  void resize(const Shape& shape) {
    shape_ = shape;
    data_.resize(static_cast<size_t>(shape_numel(shape_)));
  }
  // Same elements, new shape; throws if the element counts differ.
  void reshape(const Shape& shape);
  void fill(T value) { std::fill(data_.begin(), data_.end(), value); }
  void zero() { fill(T(0)); }

 private:
  Shape shape_;
  std::vector<T> data_;
};

// [d0, d1, rest...] -> [d1, d0, rest...]: the batch-first <-> time-major adapter.
template <typename T>
Tensor<T> swap_leading_axes(const Tensor<T>& x);

// Converts element type (float <-> double), keeping the shape; an empty
// tensor ("none", e.g. an absent initial state) stays empty.
template <typename To, typename From>
Tensor<To> tensor_cast(const Tensor<From>& x) {
  if (x.empty()) return {};
  Tensor<To> y(x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) y[i] = static_cast<To>(x[i]);
  return y;
}

}  // namespace recur
