/* Auto-generated file. Do not edit!
 *   Spec:      templates/kernels.lua
 *   Selection: all kernels; targets scalar neon avx2 avx512 cuda sm80 sm90
 *   Generator: lta-gen (gen/); regenerate, never edit.
 * Shard 1 of 4 of the cuda kernels (54 in all): the build compiles each shard
 * with the cuda flags, so its source list stays fixed whatever the kernel set.
 */
#include "cuda/lta_bwd_bf16_kany_vany__cuda.cu"
#include "cuda/lta_bwd_f32_kany_vany__cuda.cu"
#include "cuda/lta_dec_bf16_k256_v256__cuda.cu"
#include "cuda/lta_dec_bf16_k64_v128__cuda.cu"
#include "cuda/lta_dec_f16_k128_v128__cuda.cu"
#include "cuda/lta_dec_f16_k32_v32__cuda.cu"
#include "cuda/lta_dec_f16_k64_v64__cuda.cu"
#include "cuda/lta_dec_f32_k256_v256__cuda.cu"
#include "cuda/lta_dec_f32_k64_v128__cuda.cu"
#include "cuda/lta_fwd_bf16_kany_vany__cuda.cu"
#include "cuda/lta_fwd_f32_kany_vany__cuda.cu"
#include "cuda/lta_spb_f16_kany_vany__cuda.cu"
#include "cuda/lta_spf_bf16_kany_vany__cuda.cu"
#include "cuda/lta_spf_f32_kany_vany__cuda.cu"
