import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { outputImagesOf, promptOf, resultOf } from '@/lib/results/extract'
import { isSimulatedBody } from '@/lib/results/simulated'
import { gradientPng } from '@/lib/server/engine/simulator'

const line = (body: unknown) => ({ id: 'batch_req_1', custom_id: 'a', response: { status_code: 200, request_id: 'req_1', body }, error: null })

describe('image answers in result lines', () => {
  it('lists base64 images as data URLs of their output_format, and URLs as they are', () => {
    expect(outputImagesOf({ created: 1, data: [{ b64_json: 'AAAA' }, { url: 'https://example.com/x.png' }] })).toEqual([
      'data:image/png;base64,AAAA',
      'https://example.com/x.png',
    ])
    expect(outputImagesOf({ created: 1, output_format: 'jpeg', data: [{ b64_json: 'BBBB' }] })).toEqual(['data:image/jpeg;base64,BBBB'])
    // An embeddings list also has `data`, but it holds no images.
    expect(outputImagesOf({ object: 'list', data: [{ object: 'embedding', embedding: [0.1] }] })).toEqual([])
  })

  it('describes an image answer by its count and revised prompt, and counts its images for thumbnails', () => {
    const one = resultOf(line({ created: 1, data: [{ b64_json: 'AAAA', revised_prompt: 'A tabby cat wearing a top hat' }] }))
    expect(one).toMatchObject({ status: 'succeeded', text: '1 image: A tabby cat wearing a top hat', outputImageCount: 1 })
    expect(resultOf(line({ created: 1, data: [{ url: 'https://a' }, { url: 'https://b' }] }))).toMatchObject({ text: '2 images', outputImageCount: 2 })
    expect(resultOf(line({ object: 'chat.completion', choices: [{ message: { content: 'hi' } }] })).outputImageCount).toBe(0)
  })

  it('takes an edit request’s input images as thumbnails of the prompt', () => {
    const request = {
      custom_id: 'e',
      body: {
        model: 'gpt-image-1',
        prompt: 'Make it blue',
        images: [{ image_url: 'https://example.com/a.png' }, { file_id: 'file-1' }],
        image: 'data:image/png;base64,AAAA',
      },
    }
    expect(promptOf(request)).toEqual({ customId: 'e', text: 'Make it blue', images: ['https://example.com/a.png', 'data:image/png;base64,AAAA'] })
  })
})

describe('simulated answers', () => {
  it('are recognised by the simulator’s fingerprint or its simulated field, in any endpoint’s answer', () => {
    expect(isSimulatedBody({ object: 'chat.completion', system_fingerprint: 'batchboard-simulator' })).toBe(true)
    expect(isSimulatedBody({ object: 'list', simulated: true })).toBe(true)
    expect(isSimulatedBody({ object: 'chat.completion', system_fingerprint: 'fp_44709d6fcb' })).toBe(false)
    expect(isSimulatedBody(null)).toBe(false)
    expect(resultOf(line({ created: 1, data: [{ b64_json: 'AAAA' }], simulated: true })).simulated).toBe(true)
    // A failed line is nobody's answer.
    expect(resultOf({ custom_id: 'a', response: { status_code: 400, body: { error: { message: 'no' }, simulated: true } } }).simulated).toBe(false)
  })
})

describe("the simulator's image", () => {
  it('is a whole 64×64 RGB PNG, the same for the same seed and different for another', () => {
    const png = gradientPng(1234)
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR')
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([64, 64, 8, 2])
    const idat = png.indexOf('IDAT', 0, 'latin1')
    expect(inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)))).toHaveLength(64 * (1 + 64 * 3))
    expect(png.subarray(-8, -4).toString('latin1')).toBe('IEND')
    expect(gradientPng(1234).equals(png)).toBe(true)
    expect(gradientPng(4321).equals(png)).toBe(false)
  })
})
