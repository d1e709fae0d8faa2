/* Auto-generated file. Do not edit!
 *   Spec:      templates/kernels.lua
 *   Selection: all kernels; targets scalar neon avx2 avx512 cuda sm80 sm90
 *   Generator: lta-gen (gen/); regenerate, never edit.
 * Shard 3 of 4 of the sm90 kernels (24 in all): the build compiles each shard
 * with the sm90 flags, so its source list stays fixed whatever the kernel set.
 */
#include "cuda/lta_fwd_bf16_k128_v64__sm90.cu"
#include "cuda/lta_fwd_bf16_k32_v32__sm90.cu"
#include "cuda/lta_fwd_bf16_k64_v64__sm90.cu"
#include "cuda/lta_fwd_f16_k128_v64__sm90.cu"
#include "cuda/lta_fwd_f16_k32_v32__sm90.cu"
#include "cuda/lta_fwd_f16_k64_v64__sm90.cu"
