// Depthwise-convolution gradients for the tfjs wasm backend, which has the forward kernel only: loops over the
// wasm heap in JS, for stride 1, dilation 1, NHWC and channel multiplier 1 (ConvNeXt's depthwise 7x7). The
// inner loop runs over channels, which are contiguous in NHWC.
import * as tf from '@tensorflow/tfjs';

type Backend = tf.KernelBackend & {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
};
interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: Backend;
  attrs: tf.NamedAttrMap;
}

const BACKEND = 'wasm';

function info(xShape: number[], filterShape: number[], attrs: tf.NamedAttrMap): tf.backend_util.Conv2DInfo {
  const ci = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    (attrs.dilations as number | [number, number] | undefined) ?? 1,
    attrs.pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    true,
  );
  if (ci.strideHeight !== 1 || ci.strideWidth !== 1 || ci.dilationHeight !== 1 || ci.dilationWidth !== 1) {
    throw new Error(
      `Depthwise convolution gradients on wasm support stride 1 and dilation 1 (got stride ${ci.strideHeight}); train this model on webgl, webgpu or cpu`,
    );
  }
  if (filterShape[3] !== 1)
    throw new Error('Depthwise convolution gradients on wasm support channel multiplier 1');
  return ci;
}

/** Walk every (output pixel, kernel tap) pair that reads a real input pixel; `visit(xBase, yBase, fBase)`. */
function taps(ci: tf.backend_util.Conv2DInfo, visit: (xi: number, yi: number, fi: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, filterHeight, filterWidth } = ci;
  const pt = ci.padInfo.top;
  const pl = ci.padInfo.left;
  for (let b = 0; b < batchSize; b++)
    for (let oh = 0; oh < outHeight; oh++)
      for (let ow = 0; ow < outWidth; ow++) {
        const yi = ((b * outHeight + oh) * outWidth + ow) * c;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh + kh - pt;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow + kw - pl;
            if (iw < 0 || iw >= inWidth) continue;
            visit(((b * inHeight + ih) * inWidth + iw) * c, yi, (kh * filterWidth + kw) * c);
          }
        }
      }
}

/** dW[kh,kw,c] = sum over batch and output pixels of x[.., oh+kh-pt, ow+kw-pl, c] * dy[.., oh, ow, c]. */
function backpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const filterShape = attrs.filterShape as number[];
  const ci = info(inputs.x!.shape, filterShape, attrs);
  const x = backend.typedArrayFromHeap(inputs.x!);
  const dy = backend.typedArrayFromHeap(inputs.dy!);
  const acc = new Float64Array(filterShape[0]! * filterShape[1]! * filterShape[2]!);
  const c = ci.inChannels;
  taps(ci, (xi, yi, fi) => {
    for (let k = 0; k < c; k++) acc[fi + k]! += x[xi + k]! * dy[yi + k]!;
  });
  const out = backend.makeOutput(filterShape, 'float32');
  backend.typedArrayFromHeap(out).set(acc);
  return out;
}

/** dX[.., ih, iw, c] = sum over taps of dy[.., oh, ow, c] * W[kh, kw, c]. */
function backpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const inputShape = attrs.inputShape as number[];
  const ci = info(inputShape, inputs.filter!.shape, attrs);
  const f = backend.typedArrayFromHeap(inputs.filter!).slice();
  const dy = backend.typedArrayFromHeap(inputs.dy!).slice();
  const out = backend.makeOutput(inputShape, 'float32');
  const dx = backend.typedArrayFromHeap(out);
  dx.fill(0);
  const c = ci.inChannels;
  taps(ci, (xi, yi, fi) => {
    for (let k = 0; k < c; k++) dx[xi + k]! += dy[yi + k]! * f[fi + k]!;
  });
  return out;
}

let registered = false;

/** Register (once) the depthwise gradient kernels on the wasm backend, where it has none. */
export function registerWasmDepthwiseKernels(): void {
  if (registered) return;
  registered = true;
  const kernels: [string, (a: KernelArgs) => tf.TensorInfo][] = [
    ['DepthwiseConv2dNativeBackpropFilter', backpropFilter],
    ['DepthwiseConv2dNativeBackpropInput', backpropInput],
  ];
  for (const [name, fn] of kernels) {
    if (tf.getKernel(name, BACKEND)) continue;
    tf.registerKernel({ kernelName: name, backendName: BACKEND, kernelFunc: fn as unknown as tf.KernelFunc });
  }
}
