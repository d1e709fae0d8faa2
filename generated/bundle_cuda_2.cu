/* Auto-generated file. Do not edit!
 *   Spec:      templates/kernels.lua
 *   Selection: all kernels; targets scalar neon avx2 avx512 cuda sm80 sm90
 *   Generator: lta-gen (gen/); regenerate, never edit.
 * Shard 3 of 4 of the cuda kernels (6 in all): the build compiles each shard
 * with the cuda flags, so its source list stays fixed whatever the kernel set.
 */
#include "cuda/lta_fwd_f16_kany_vany__cuda.cu"
