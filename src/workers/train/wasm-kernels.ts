// Gradient kernels the tfjs wasm backend lacks (Conv2DBackpropFilter) or runs slowly (Conv2DBackpropInput),
// written as compositions of its fast XNNPACK kernels so LeNet-style models can train on WASM:
//  - filter gradient = conv2d of the transposed input (channels as batch) with the transposed output
//    gradient as the filter;
//  - input gradient = plain conv2d of the output gradient (padded by K-1-pad) with the flipped,
//    in/out-swapped kernel, which is several times faster than the backend's own loop.
//  - matmul with a transposed operand (every dense-layer gradient) = an explicit Transpose, then the plain
//    matmul: the backend's transposed path is ~8x slower;
//  - max-pool gradient = one pass over the heap in JS routing each output gradient to the first maximum of
//    its window (as PyTorch and the cpu backend do), ~10x faster than the backend's kernel.
// The convolution kernels need stride 1 and dilation 1 (what the studio's models use); other convolutions
// fall back to the backend's own kernel or fail with a message naming the kernel.
import * as tf from '@tensorflow/tfjs';
import { registerWasmDepthwiseKernels } from './wasm-depthwise';

type Backend = tf.KernelBackend & {
  disposeData(dataId: object): boolean;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
};
type Attrs = tf.NamedAttrMap;
interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: Backend;
  attrs: Attrs;
}
type KernelFn = (args: KernelArgs) => tf.TensorInfo;

const BACKEND = 'wasm';

function kernel(name: string): KernelFn {
  const k = tf.getKernel(name, BACKEND);
  if (!k) throw new Error(`The wasm backend has no ${name} kernel to build training kernels from`);
  return k.kernelFunc as unknown as KernelFn;
}

type PadInfo = { top: number; bottom: number; left: number; right: number };

function convInfo(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: Attrs,
): tf.backend_util.Conv2DInfo {
  const pad = attrs.pad as 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides as number | [number, number],
    (attrs.dilations as number | [number, number] | undefined) ?? 1,
    pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    tf.backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW' | undefined) ?? 'NHWC'),
  );
}

function simple(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.dataFormat === 'channelsLast'
  );
}

function explicit(p: PadInfo): tf.backend_util.ExplicitPadding {
  return [
    [0, 0],
    [p.top, p.bottom],
    [p.left, p.right],
    [0, 0],
  ];
}

/** dW[kh,kw,ci,co] = sum_{n,oh,ow} x[n,oh+kh-pt,ow+kw-pl,ci] dy[n,oh,ow,co], as one conv2d. */
function conv2dBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const x = inputs.x!;
  const dy = inputs.dy!;
  const filterShape = attrs.filterShape as [number, number, number, number];
  const info = convInfo(x.shape as [number, number, number, number], filterShape, attrs);
  if (!simple(info)) {
    throw new Error(
      `Conv2DBackpropFilter on wasm supports stride 1, dilation 1, NHWC only (got strides ${info.strideHeight}x${info.strideWidth}); train this model on webgl, webgpu or cpu`,
    );
  }
  const transpose = kernel('Transpose');
  const conv = kernel('Conv2D');
  // x [N,H,W,Ci] -> [Ci,H,W,N]: input channels become the batch, the batch becomes the channels.
  const xT = transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } });
  // dy [N,OH,OW,Co] -> [OH,OW,N,Co]: the output gradient becomes the filter.
  const dyT = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } });
  // The forward padding carries over; the "output" has the filter's spatial size.
  const p = info.padInfo;
  const pad = explicit({ top: p.top, bottom: p.bottom, left: p.left, right: p.right });
  const g = conv({
    inputs: { x: xT, filter: dyT },
    backend,
    attrs: { strides: 1, pad, dilations: 1, dataFormat: 'NHWC' },
  });
  backend.disposeData(xT.dataId);
  backend.disposeData(dyT.dataId);
  // [Ci,KH,KW,Co] -> [KH,KW,Ci,Co]
  const out = transpose({ inputs: { x: g }, backend, attrs: { perm: [1, 2, 0, 3] } });
  backend.disposeData(g.dataId);
  return out;
}

let nativeBackpropInput: KernelFn | null = null;

/** dx = conv2d(dy padded by K-1-pad, W flipped in space with in/out channels swapped). */
function conv2dBackpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const dy = inputs.dy!;
  const filter = inputs.filter!;
  const inputShape = attrs.inputShape as [number, number, number, number];
  const filterShape = filter.shape as [number, number, number, number];
  const info = convInfo(inputShape, filterShape, attrs);
  if (!simple(info)) {
    if (nativeBackpropInput) return nativeBackpropInput({ inputs, backend, attrs });
    throw new Error('Conv2DBackpropInput on wasm supports stride 1, dilation 1, NHWC only');
  }
  const [kh, kw] = filterShape;
  const p = info.padInfo;
  // Output rows: OH + top + bottom - KH + 1 must equal H.
  const top = kh - 1 - p.top;
  const left = kw - 1 - p.left;
  const bottom = info.inHeight - info.outHeight + kh - 1 - top;
  const right = info.inWidth - info.outWidth + kw - 1 - left;
  const reverse = kernel('Reverse');
  const transpose = kernel('Transpose');
  const conv = kernel('Conv2D');
  const flipped = reverse({ inputs: { x: filter }, backend, attrs: { dims: [0, 1] } });
  const swapped = transpose({ inputs: { x: flipped }, backend, attrs: { perm: [0, 1, 3, 2] } });
  backend.disposeData(flipped.dataId);
  const out = conv({
    inputs: { x: dy, filter: swapped },
    backend,
    attrs: { strides: 1, pad: explicit({ top, bottom, left, right }), dilations: 1, dataFormat: 'NHWC' },
  });
  backend.disposeData(swapped.dataId);
  return out;
}

let nativeBatchMatMul: KernelFn | null = null;

/** a.b with the transposes done explicitly first (XNNPACK's plain path is the fast one). */
function batchMatMul({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const native = nativeBatchMatMul!;
  if (!attrs.transposeA && !attrs.transposeB) return native({ inputs, backend, attrs });
  const transpose = kernel('Transpose');
  const swapLast = (t: tf.TensorInfo) => {
    const r = t.shape.length;
    const perm = [...Array(r).keys()];
    perm[r - 2] = r - 1;
    perm[r - 1] = r - 2;
    return transpose({ inputs: { x: t }, backend, attrs: { perm } });
  };
  const a = attrs.transposeA ? swapLast(inputs.a!) : inputs.a!;
  const b = attrs.transposeB ? swapLast(inputs.b!) : inputs.b!;
  const out = native({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } });
  if (a !== inputs.a) backend.disposeData(a.dataId);
  if (b !== inputs.b) backend.disposeData(b.dataId);
  return out;
}

/** dx: each output gradient goes to the first maximum of its pooling window (NHWC). */
function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const dyInfo = inputs.dy!;
  const xInfo = inputs.input!;
  const info = tf.backend_util.computePool2DInfo(
    xInfo.shape as [number, number, number, number],
    attrs.filterSize as [number, number] | number,
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const out = backend.makeOutput(xInfo.shape, 'float32');
  const dx = backend.typedArrayFromHeap(out);
  dx.fill(0);
  const x = backend.typedArrayFromHeap(xInfo);
  const dy = backend.typedArrayFromHeap(dyInfo);
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const rowStride = inWidth * C;
  let o = 0;
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && padTop === 0 && padLeft === 0) {
    // The LeNets' 2x2/2 pooling: the four window cells by direct index, same first-maximum order.
    for (let b = 0; b < batchSize; b++) {
      const xBase = b * inHeight * rowStride;
      for (let oh = 0; oh < outHeight; oh++) {
        let i00 = xBase + 2 * oh * rowStride;
        for (let ow = 0; ow < outWidth; ow++, i00 += C) {
          for (let c = 0; c < C; c++, o++, i00++) {
            let at = i00;
            let best = x[i00]!;
            const i01 = i00 + C;
            const i10 = i00 + rowStride;
            const i11 = i10 + C;
            if (x[i01]! > best) {
              best = x[i01]!;
              at = i01;
            }
            if (x[i10]! > best) {
              best = x[i10]!;
              at = i10;
            }
            if (x[i11]! > best) at = i11;
            dx[at]! += dy[o]!;
          }
        }
      }
    }
    return out;
  }
  for (let b = 0; b < batchSize; b++) {
    const xBase = b * inHeight * rowStride;
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = Math.max(0, oh * sh - padTop);
      const h1 = Math.min(inHeight, oh * sh - padTop + fh);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = Math.max(0, ow * sw - padLeft);
        const w1 = Math.min(inWidth, ow * sw - padLeft + fw);
        for (let c = 0; c < C; c++, o++) {
          let best = -Infinity;
          let at = -1;
          for (let h = h0; h < h1; h++) {
            let idx = xBase + h * rowStride + w0 * C + c;
            for (let w = w0; w < w1; w++, idx += C) {
              const v = x[idx]!;
              if (v > best || at < 0) {
                best = v;
                at = idx;
              }
            }
          }
          if (at >= 0) dx[at]! += dy[o]!;
        }
      }
    }
  }
  return out;
}

let registered = false;

/** Register (once) the training kernels on the wasm backend. Safe to call before or after tf.setBackend('wasm'). */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  if (!tf.getKernel('Conv2DBackpropFilter', BACKEND)) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: BACKEND,
      kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
    });
  }
  nativeBackpropInput = replace('Conv2DBackpropInput', conv2dBackpropInput);
  nativeBatchMatMul = replace('BatchMatMul', batchMatMul);
  replace('MaxPoolGrad', maxPoolGrad);
  registerWasmDepthwiseKernels();
}

/**
 * Swap in our kernel and return the backend's own one. The native setupFunc (which binds its wasm function)
 * is kept on our registration, so it still runs if the backend starts after this call.
 */
function replace(
  name: string,
  fn: (args: { inputs: tf.NamedTensorInfoMap; backend: Backend; attrs: Attrs }) => tf.TensorInfo,
): KernelFn | null {
  const native = tf.getKernel(name, BACKEND);
  if (native) tf.unregisterKernel(name, BACKEND);
  tf.registerKernel({
    kernelName: name,
    backendName: BACKEND,
    kernelFunc: fn as unknown as tf.KernelFunc,
    ...(native?.setupFunc ? { setupFunc: native.setupFunc } : {}),
  });
  return native ? (native.kernelFunc as unknown as KernelFn) : null;
}
